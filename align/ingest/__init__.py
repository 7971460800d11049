"""Reading articles: every input format, validated and cleaned, streamed one record at a time."""

from .article import ArticleInput, Problem, make_article
from .read import Record, expand, read_paths, stream

__all__ = ["ArticleInput", "Problem", "Record", "expand", "make_article", "read_paths", "stream"]
