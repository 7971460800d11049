# align: offline multilingual news alignment. Build: docker build -t align .
FROM python:3.11-slim

ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

WORKDIR /app
# torch pinned to the CPU build before anything can pull an unpinned (CUDA) torch.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 || pip install torch==2.13.0
COPY pyproject.toml README.md ./
COPY align ./align
COPY corpora ./corpora
RUN pip install '.[st]'

RUN useradd --create-home --uid 10001 align && mkdir -p /data /models && chown align /data /models
USER align
ENV ALIGN_INDEX_DIR=/data/index ALIGN_MODELS_DIR=/models

# Translation models are installed at build time: from .argosmodel files in models/ when
# present, else from the Argos package index. The running container needs no network.
ARG ALIGN_MODELS="ru-en uk-en bg-en en-ru en-uk en-bg"
COPY --chown=align models* /tmp/argos-models/
RUN if ls /tmp/argos-models/*.argosmodel >/dev/null 2>&1; then align models install /tmp/argos-models; \
    elif [ -n "$ALIGN_MODELS" ]; then align models install $ALIGN_MODELS; fi; \
    rm -rf /tmp/argos-models

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)"
EXPOSE 8000
VOLUME ["/data"]
ENTRYPOINT ["align"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
