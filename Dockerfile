# The CaaS server with its web app, in two build stages and a slim runtime image.
FROM rust:1.95-bookworm AS web
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm brotli && rm -rf /var/lib/apt/lists/*
RUN rustup target add wasm32-unknown-unknown \
 && cargo install --locked trunk@0.21.14 \
 && cargo install wasm-bindgen-cli --version 0.2.130
WORKDIR /src
RUN npm install --prefix /tools --no-save binaryen@132.0.0
ENV PATH=/tools/node_modules/.bin:$PATH
COPY . .
RUN scripts/build-web

FROM rust:1.95-bookworm AS server
WORKDIR /src
COPY . .
RUN cargo build --locked --release --bin caas

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/caas caas && mkdir -p /var/lib/caas && chown caas /var/lib/caas
COPY --from=server /src/target/release/caas /usr/local/bin/caas
COPY --from=web /src/dist /usr/share/caas/dist
USER caas
WORKDIR /var/lib/caas
ENV CAAS_LISTEN=0.0.0.0:8080 CAAS_STATIC_DIR=/usr/share/caas/dist CAAS_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["caas"]
CMD ["serve"]
