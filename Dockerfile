# codearts-runner container image, for GitLab CI, Jenkins and plain `docker run`.
#
#   docker build -t codearts-runner --build-arg VERSION=v1.2.3 .
#   docker run --rm -e CODEARTS_AK -e CODEARTS_SK -v "$PWD:/work" codearts-runner perftest --task=smoke
#
# The final stage has /bin/sh and cat (busybox), as GitLab `image:` jobs and Jenkins
# `docker.image(...).inside` need them. The runner is the exec-form ENTRYPOINT, so it is the
# container's first process and receives SIGINT/SIGTERM itself.
#
# Offline builds (no image can be pulled): scripts/build-image.sh builds the binary on the host
# and a busybox base image from Debian's busybox-static, then builds this file with
# BINARY=prebuilt and BASE_IMAGE=<that base>; the Go image is then never needed.

# Image the binary is compiled in.
ARG GO_IMAGE=golang:1.26-bookworm
# Image the runner ships in: needs /bin/sh and cat.
ARG BASE_IMAGE=busybox:stable-musl
# Where the binary and CA bundle come from: "build" (compile in GO_IMAGE) or "prebuilt"
# (take PREBUILT_DIR/runner and PREBUILT_DIR/ca-certificates.crt from the build context).
ARG BINARY=build

# ---- build: compile a static binary --------------------------------------------------------
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
ARG TARGETOS=linux
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
      go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/runner ./cmd/runner \
 && cp /etc/ssl/certs/ca-certificates.crt /out/ca-certificates.crt

# ---- prebuilt: a binary built outside (offline builds) --------------------------------------
FROM scratch AS prebuilt
ARG PREBUILT_DIR=dist/image
COPY ${PREBUILT_DIR}/runner ${PREBUILT_DIR}/ca-certificates.crt /out/

# ---- binary: whichever of the two BINARY names -----------------------------------------------
FROM ${BINARY} AS binary

# ---- final -----------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="codearts-runner" \
      org.opencontainers.image.description="CI gate for Huawei Cloud CodeArts PerfTest and TestPlan" \
      org.opencontainers.image.source="https://github.com/codearts-runner/codearts-runner" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=binary /out/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=binary /out/runner /usr/local/bin/runner
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    HOME=/work
# No RUN here: the final stage executes nothing, so cross-platform builds need no emulation.
# WORKDIR after USER: BuildKit and buildah create /work owned by 10001 (CI systems mount
# their workspace over it anyway).
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/runner"]
CMD ["--help"]
