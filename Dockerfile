# gocnn in a FROM scratch image: one static file, no libc, no shell.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t gocnn .
#   docker run --rm gocnn version
#   docker run --rm -v "$PWD/models:/models:ro" -v "$PWD/photos:/photos:ro" \
#       gocnn predict -weights /models/best.safetensors /photos/a.jpg
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/data:/data:ro" -v "$PWD/runs:/work" \
#       gocnn train -data /data -out /work/run1
#
# With a checkpoint at examples/embed/model/model.safetensors, the embed
# target is a classifier with the model inside (HTTP on :8080):
#
#   docker build --target embed -t classify .
#   docker run --rm -p 8080:8080 classify
#   curl --data-binary @photo.png localhost:8080/predict

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# .git is not in the build context: the version comes from this argument.
ARG VERSION=dev
RUN make build BIN=/out/gocnn VERSION=${VERSION}

# The go:embed example, with the same static, reproducible flags as make build.
FROM build AS build-embed
RUN test -f examples/embed/model/model.safetensors || \
      { echo "put a checkpoint at examples/embed/model/model.safetensors first"; exit 1; } && \
    CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags '-s -w -buildid=' -o /out/classify ./examples/embed

FROM scratch AS embed
COPY --from=build-embed /out/classify /classify
USER 65534:65534
EXPOSE 8080
ENTRYPOINT ["/classify", "-http", ":8080"]

# The default target: the gocnn command. /work is the working directory for
# training output (mount a volume there); nothing else is written.
FROM scratch
COPY --from=build /out/gocnn /gocnn
WORKDIR /work
USER 65534:65534
ENTRYPOINT ["/gocnn"]
CMD ["version"]
