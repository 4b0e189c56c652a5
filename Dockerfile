# codearts-runner container image, for GitLab CI, Jenkins and plain `docker run`.
#
#   docker build -t codearts-runner --build-arg VERSION=v1.2.3 .
#   docker run --rm --user "$(id -u):$(id -g)" -e CODEARTS_AK -e CODEARTS_SK -v "$PWD:/work" \
#     codearts-runner perftest --task=smoke
#
# The image runs as uid 10001: with a host directory mounted on /work, --user makes the runner
# the directory's owner so that it can write codearts-junit.xml there. Released images:
# ghcr.io/codearts-runner/codearts-runner:X.Y.Z, :X.Y and :X (linux/amd64, linux/arm64), pushed by
# .github/workflows/release.yml on every tag vX.Y.Z.
#
# The image has /bin/sh and cat (busybox), as GitLab `image:` jobs and Jenkins
# `docker.image(...).inside` need them. The runner is the exec-form ENTRYPOINT, so it is the
# container's first process and receives SIGINT/SIGTERM itself.
#
# Offline (no image can be pulled): scripts/build-image.sh builds the binary on the host and a
# base image from Debian's busybox-static, then builds `--target offline` of this file with
# BASE_IMAGE=<that base>; the Go image is never needed.

# Image the binary is compiled in.
ARG GO_IMAGE=golang:1.26-bookworm
# Image the runner ships in: needs /bin/sh and cat.
ARG BASE_IMAGE=busybox:stable-musl

# ---- build: a static binary, cross-compiled for the target platform ------------------------
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
      go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/runner ./cmd/runner \
 && cp /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt

# ---- runtime: the image without its binary ---------------------------------------------------
# No RUN from here on: nothing executes in the target platform, so multi-platform builds need
# no emulation.
FROM ${BASE_IMAGE} AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="codearts-runner" \
      org.opencontainers.image.description="CI gate for Huawei Cloud CodeArts PerfTest and TestPlan" \
      org.opencontainers.image.source="https://github.com/codearts-runner/codearts-runner" \
      org.opencontainers.image.version="${VERSION}"
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    HOME=/work
# WORKDIR after USER: BuildKit and buildah create /work owned by 10001 (CI systems mount their
# workspace over it anyway).
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/runner"]
CMD ["--help"]

# ---- offline: binary and CA bundle built outside, in PREBUILT_DIR of the context ------------
FROM runtime AS offline
ARG PREBUILT_DIR=dist/image
COPY ${PREBUILT_DIR}/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY ${PREBUILT_DIR}/runner /usr/local/bin/runner

# ---- default target: the binary of the build stage -----------------------------------------
FROM runtime
COPY --from=build /out/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/runner /usr/local/bin/runner
