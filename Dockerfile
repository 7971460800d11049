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

RUN useradd --create-home --uid 10001 align && mkdir -p /data && chown align /data
USER align
ENV ALIGN_INDEX_DIR=/data/index
VOLUME ["/data"]
ENTRYPOINT ["align"]
CMD ["--help"]
