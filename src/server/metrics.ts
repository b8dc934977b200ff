/** A gauge with one label: a value per label value, all read at once. */
interface LabelledGauge {
  help: string;
  label: string;
  read: () => Readonly<Record<string, number>>;
}

/** A few Prometheus counters and gauges, rendered in the text exposition format. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly gauges = new Map<string, () => number>();
  private readonly labelledGauges = new Map<string, LabelledGauge>();

  countRequest(method: string, route: string, status: number): void {
    const key = `method="${method}",route="${escapeLabel(route)}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  gauge(name: string, read: () => number): void {
    this.gauges.set(name, read);
  }

  /** A gauge per value of `label`, such as units by health status: one series each. */
  labelledGauge(
    name: string,
    help: string,
    label: string,
    read: () => Readonly<Record<string, number>>,
  ): void {
    this.labelledGauges.set(name, { help, label, read });
  }

  render(): string {
    const lines = [
      "# HELP flotilla_http_requests_total HTTP requests served, by route and status.",
      "# TYPE flotilla_http_requests_total counter",
    ];
    for (const [labels, count] of this.requests) {
      lines.push(`flotilla_http_requests_total{${labels}} ${count}`);
    }
    for (const [name, read] of this.gauges) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${read()}`);
    }
    for (const [name, { help, label, read }] of this.labelledGauges) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      for (const [value, count] of Object.entries(read())) {
        lines.push(`${name}{${label}="${escapeLabel(value)}"} ${count}`);
      }
    }
    const memory = process.memoryUsage();
    for (const [name, help, value] of [
      ["process_resident_memory_bytes", "Resident memory size.", memory.rss],
      ["nodejs_heap_size_total_bytes", "V8 heap reserved.", memory.heapTotal],
      ["nodejs_heap_size_used_bytes", "V8 heap in use.", memory.heapUsed],
      [
        "nodejs_external_memory_bytes",
        "Memory of C++ objects bound to JavaScript.",
        memory.external,
      ],
    ] as const) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
