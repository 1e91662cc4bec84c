# The checker and the server in a container: `docker build -t engineering-api .`
#
#   docker run --rm --network none -v "$PWD:/work" engineering-api plc check . --format github
#   docker run --rm --network host -v engineering-api-var:/home/engineer/var engineering-api serve
#   docker run --rm --network none --user "$(id -u):$(id -g)" -e ENGINEERING_API_DATA_DIR=/tmp/engineering-api \
#       -v "$PWD:/work" engineering-api plc check . --format sarif --output engineering-api.sarif
#
# The command line is the entrypoint (`--help` by default); `serve` is the alternative command. Nothing is fetched
# at run time: every dependency is installed while building, so `--network none` works for the checks. The server
# binds 127.0.0.1 (localhost only), hence `--network host` to reach it from the host. It runs as a non-root user,
# whose data folder (/home/engineer/var, the volume above) the image creates and gives to that user: Docker fills a
# new named volume from the image's folder, owner included, and would otherwise create it root-owned. User 10001
# cannot write into a workspace mounted from the host (yours, mode 755): a command writing a file there (`--output`)
# runs as you, `--user "$(id -u):$(id -g)"`, with a data folder that user may write (docs/cli.md, "Container").

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY engineering_api ./engineering_api
COPY simatic_xml ./simatic_xml
COPY fakes ./fakes
COPY openness_bridge ./openness_bridge
# The wheels of the project with the server and of all their dependencies, so the image's install needs no index;
# the requirement it installs goes with them (the versions are those of the wheels built here).
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[server]" && echo "engineering-api[server]" > /wheels/requirements.txt

FROM python:3.12-slim
RUN groupadd --gid 10001 engineer && useradd --uid 10001 --gid 10001 --create-home engineer
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels --requirement /wheels/requirements.txt \
    && rm -rf /wheels \
    && install -d -o 10001 -g 10001 -m 0700 /home/engineer/var
USER 10001:10001
VOLUME ["/home/engineer/var"]
WORKDIR /work
ENV ENGINEERING_API_DATA_DIR=/home/engineer/var \
    PYTHONDONTWRITEBYTECODE=1
ENTRYPOINT ["engineering-api"]
CMD ["--help"]
