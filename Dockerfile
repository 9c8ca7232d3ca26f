# syntax=docker/dockerfile:1

# Container image of the DSMF SSC adapter (cmd/dsmf-adapter).
#
#   docker build -t dsmf-adapter .
#   docker run --rm -p 8080:8080 -e DSMF_BROKERS=host.docker.internal:9094 dsmf-adapter
#
# docker-compose.yml beside this file builds it and runs it next to Kafka.
# BuildKit is assumed (the default builder of current Docker and of Compose v2).

############################ build ############################
# The build runs on the builder's own platform and cross-compiles for the
# target one (CGO is off, so no C toolchain is needed).
FROM --platform=$BUILDPLATFORM golang:1.26 AS build

# go.mod asks for go 1.26.8: if a stale local golang:1.26 image is older, let
# the go command fetch that toolchain instead of failing.
ENV GOTOOLCHAIN=auto

WORKDIR /src

# Dependencies first: this layer is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags="-s -w" -o /out/dsmf-adapter ./cmd/dsmf-adapter

############################ runtime ############################
# Static binary on distroless: no shell, no package manager, runs as the
# unprivileged "nonroot" user (65532). It has no curl or wget either, so the
# image has no HEALTHCHECK; orchestrators probe GET /healthz and /readyz.
FROM gcr.io/distroless/static-debian12:nonroot

COPY --from=build /out/dsmf-adapter /usr/local/bin/dsmf-adapter

USER 65532:65532

# HTTP ops endpoints: /healthz, /readyz, /metrics.
EXPOSE 8080

ENTRYPOINT ["/usr/local/bin/dsmf-adapter"]
