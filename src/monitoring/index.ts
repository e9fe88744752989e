/** The monitoring exporter (monitoring/README.md): normalized events of both chains → Prometheus. */
export * from "./cli";
export * from "./deployment";
export * from "./exporter";
export * from "./ingest";
export * from "./metrics";
export * from "./promql";
