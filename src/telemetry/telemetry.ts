import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { SocketIoInstrumentation } from '@opentelemetry/instrumentation-socket.io';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, BatchSpanProcessor, NoopSpanProcessor, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { TelemetrySettings } from '../config/app-config';

let prometheus: PrometheusExporter | undefined;

/** The exporter behind GET /metrics, once telemetry is started (or a test registered one). */
export function metricsExporter(): PrometheusExporter | undefined {
  return prometheus;
}

/** Sets the exporter behind GET /metrics (tests register their own meter provider with it). */
export function useMetricsExporter(exporter: PrometheusExporter | undefined): void {
  prometheus = exporter;
}

/** Which exporters the settings select, for the boot log. */
export function exportersOf(settings: TelemetrySettings): string[] {
  return ['prometheus', ...(settings.otlpEndpoint ? ['otlp'] : []), ...(settings.azureMonitorConnectionString ? ['azure-monitor'] : [])];
}

/** Socket.IO spans for client messages, not for each `run:event` relayed (the run's own spans cover those). */
const socketIo = () => new SocketIoInstrumentation({ emitIgnoreEventList: ['run:event'] });

/**
 * The sampler when spans have nowhere to go: none is recorded. Each span still gets its trace and
 * span ids (for the logs and for propagation), but no span object, attributes or timings are
 * built only to be dropped (about 5 % of the engine's CPU per run).
 */
export function samplerWithoutExporter(): Sampler {
  return new AlwaysOffSampler();
}

/** Probes and scrapes are not worth a trace. */
const ignoreIncomingRequestHook = (request: { url?: string }) => /^\/(api\/health|metrics)/.test(request.url ?? '');

/**
 * Starts OpenTelemetry before the application is loaded: traces, metrics (Prometheus reader always;
 * OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set; Azure Monitor through its distro when
 * APPLICATIONINSIGHTS_CONNECTION_STRING is set; nothing leaves the process otherwise), and the
 * http, express and socket.io instrumentations. Returns the shutdown that flushes the exporters.
 */
export function startTelemetry(settings: TelemetrySettings, version = '0.0.0'): { shutdown(): Promise<void> } {
  prometheus = new PrometheusExporter({ preventServerStart: true });
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: version });
  const otlp = settings.otlpEndpoint?.replace(/\/$/, '');
  // Without an exporter the provider stays (a no-op processor; nothing sampled, below), so logs carry trace ids.
  const spanProcessors: SpanProcessor[] = otlp ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlp}/v1/traces` }))] : [new NoopSpanProcessor()];
  const metricReaders = [prometheus, ...(otlp ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${otlp}/v1/metrics` }) })] : [])];

  if (settings.azureMonitorConnectionString) {
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: settings.azureMonitorConnectionString },
      resource,
      // The distro pins its own SDK packages: same interfaces, other declarations.
      spanProcessors: spanProcessors as never,
      metricReaders: metricReaders as never,
      instrumentationOptions: { http: { enabled: true, ignoreIncomingRequestHook } as never },
    });
    registerInstrumentations({ instrumentations: [new ExpressInstrumentation(), socketIo()] });
    return { shutdown: shutdownAzureMonitor };
  }
  const sdk = new NodeSDK({
    resource,
    // Explicit lists keep the SDK from exporting to a default OTLP address.
    spanProcessors,
    ...(otlp ? {} : { sampler: samplerWithoutExporter() }),
    metricReaders,
    logRecordProcessors: [],
    instrumentations: [new HttpInstrumentation({ ignoreIncomingRequestHook }), new ExpressInstrumentation(), socketIo()],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
