"""The API's routers, one per area; each is a few lines over the :class:`~align.pipeline.Align` facade."""
