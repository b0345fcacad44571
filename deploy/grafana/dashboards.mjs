#!/usr/bin/env node
// Writes the Grafana dashboards of deploy/grafana/*.json: the pipeline and one per service.
// The JSON files are committed (Grafana imports them as they are; the production overlay ships
// them as ConfigMaps for Grafana's dashboard sidecar); edit this file and run
//   node deploy/grafana/dashboards.mjs
// The packaging test fails when the files differ from what this writes, or when a query names a
// series missing from deploy/metrics.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SERVICES = ['ingestion', 'health-scoring', 'alerting', 'playbooks', 'reporting'];
/** The consumer group of each consuming service (apps/<service>/src/consumer-groups.ts). */
export const CONSUMER_GROUPS = {
  'health-scoring': 'health-scoring.scoring',
  alerting: 'alerting.accounts',
  playbooks: 'playbooks.signals',
  reporting: 'reporting.read-models',
};

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function panel(title, unit, targets, gridPos) {
  return {
    type: 'timeseries',
    title,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'table', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: targets.map(([expr, legendFormat], index) => ({
      datasource: DATASOURCE,
      expr,
      legendFormat,
      refId: String.fromCharCode(65 + index),
    })),
  };
}

/** Panels laid out two per row, 12 columns wide and 8 high each. */
function layout(panels) {
  return panels.map(([title, unit, targets], index) =>
    panel(title, unit, targets, { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 }),
  );
}

function dashboard(uid, title, panels) {
  return {
    uid,
    title,
    tags: ['tsuzuku'],
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }],
    },
    panels: layout(panels),
  };
}

const q = (quantile, metric, selector, by = '') =>
  `histogram_quantile(${quantile}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket{${selector}}[5m])))`;

function commonPanels(service) {
  const job = `job="${service}"`;
  return [
    [
      'HTTP requests by route and status',
      'reqps',
      [
        [
          `sum by (http_route, http_response_status_code) (rate(http_server_request_duration_count{${job}}[5m]))`,
          '{{http_route}} {{http_response_status_code}}',
        ],
      ],
    ],
    [
      'HTTP latency p99 by route',
      's',
      [[q(0.99, 'http_server_request_duration', job, 'http_route'), '{{http_route}}']],
    ],
    [
      'Outbox backlog and oldest row',
      'short',
      [
        [`sum(tsuzuku_outbox_backlog{${job}})`, 'rows'],
        [`max(tsuzuku_outbox_oldest_age{${job}})`, 'oldest (s)'],
      ],
    ],
    [
      'Database pool',
      'short',
      [
        [
          `sum by (db_client_connection_state) (db_client_connection_count{${job}})`,
          '{{db_client_connection_state}}',
        ],
        [`sum(db_client_connection_max{${job}})`, 'max'],
      ],
    ],
    [
      'Runtime: CPU and event loop delay p99',
      's',
      [
        [`sum by (pod) (rate(process_cpu_time_total{${job}}[5m]))`, 'cpu {{pod}}'],
        [`max by (pod) (nodejs_eventloop_delay_p99{${job}})`, 'loop p99 {{pod}}'],
      ],
    ],
    ['Resident memory', 'bytes', [[`sum by (pod) (process_memory_usage{${job}})`, '{{pod}}']]],
  ];
}

function consumerPanels(service) {
  const group = `messaging_consumer_group_name="${CONSUMER_GROUPS[service]}"`;
  return [
    [
      'Consumer lag by topic and partition',
      'short',
      [
        [
          `sum by (messaging_destination_name, messaging_destination_partition_id) (tsuzuku_messaging_consumer_lag{${group}})`,
          '{{messaging_destination_name}}/{{messaging_destination_partition_id}}',
        ],
      ],
    ],
    [
      'Messages processed, failed and dead-lettered',
      'ops',
      [
        [`sum(rate(messaging_client_consumed_messages_total{${group}}[5m]))`, 'processed'],
        [`sum(rate(tsuzuku_messaging_process_failures_total{${group}}[5m]))`, 'failed'],
        [`sum(rate(tsuzuku_messaging_dead_letters_total{${group}}[5m]))`, 'dead-lettered'],
      ],
    ],
  ];
}

const SPECIFIC = {
  ingestion: [
    [
      'Events accepted and refused',
      'ops',
      [
        [`sum(rate(tsuzuku_ingestion_events_accepted_total{job="ingestion"}[5m]))`, 'accepted'],
        [
          `sum by (error_type) (rate(tsuzuku_ingestion_events_refused_total{job="ingestion"}[5m]))`,
          'refused {{error_type}}',
        ],
      ],
    ],
  ],
  'health-scoring': [
    [
      'Event time to new score (p50, p99)',
      's',
      [
        [q(0.5, 'tsuzuku_scoring_event_to_score_duration', 'job="health-scoring"'), 'p50'],
        [q(0.99, 'tsuzuku_scoring_event_to_score_duration', 'job="health-scoring"'), 'p99'],
      ],
    ],
  ],
  alerting: [
    [
      'Health change to alert (p50, p99)',
      's',
      [
        [q(0.5, 'tsuzuku_alerting_health_to_alert_duration', 'job="alerting"'), 'p50'],
        [q(0.99, 'tsuzuku_alerting_health_to_alert_duration', 'job="alerting"'), 'p99'],
      ],
    ],
  ],
  playbooks: [
    [
      'Step execution p99 by type',
      's',
      [
        [
          q(0.99, 'tsuzuku_playbooks_step_duration', 'job="playbooks"', 'tsuzuku_playbook_step_type'),
          '{{tsuzuku_playbook_step_type}}',
        ],
      ],
    ],
    [
      'Runs by outcome',
      'ops',
      [
        [
          `sum by (tsuzuku_playbook_run_status) (rate(tsuzuku_playbooks_runs_finished_total{job="playbooks"}[5m]))`,
          '{{tsuzuku_playbook_run_status}}',
        ],
      ],
    ],
  ],
  reporting: [
    [
      'KPI query p99 by report',
      's',
      [
        [
          q(0.99, 'tsuzuku_reporting_kpi_query_duration', 'job="reporting"', 'tsuzuku_report_name'),
          '{{tsuzuku_report_name}}',
        ],
      ],
    ],
  ],
};

export function dashboards() {
  const files = {};
  for (const service of SERVICES) {
    const panels = [
      ...(SPECIFIC[service] ?? []),
      ...(CONSUMER_GROUPS[service] ? consumerPanels(service) : []),
      ...commonPanels(service),
    ];
    files[`tsuzuku-${service}.json`] = dashboard(`tsuzuku-${service}`, `Tsuzuku / ${service}`, panels);
  }
  files['tsuzuku-pipeline.json'] = dashboard('tsuzuku-pipeline', 'Tsuzuku / pipeline', [
    [
      'Events accepted and refused (ingestion)',
      'ops',
      [
        [`sum(rate(tsuzuku_ingestion_events_accepted_total{job="ingestion"}[5m]))`, 'accepted'],
        [`sum(rate(tsuzuku_ingestion_events_refused_total{job="ingestion"}[5m]))`, 'refused'],
      ],
    ],
    [
      'Consumer lag by group',
      'short',
      [
        [
          `sum by (messaging_consumer_group_name) (tsuzuku_messaging_consumer_lag{})`,
          '{{messaging_consumer_group_name}}',
        ],
      ],
    ],
    [
      'Event time to new score p99',
      's',
      [[q(0.99, 'tsuzuku_scoring_event_to_score_duration', 'job="health-scoring"'), 'p99']],
    ],
    [
      'Health change to alert p99',
      's',
      [[q(0.99, 'tsuzuku_alerting_health_to_alert_duration', 'job="alerting"'), 'p99']],
    ],
    [
      'Dead-lettered messages by group',
      'ops',
      [
        [
          `sum by (messaging_consumer_group_name) (rate(tsuzuku_messaging_dead_letters_total{}[5m]))`,
          '{{messaging_consumer_group_name}}',
        ],
      ],
    ],
    ['Oldest outbox row by service', 's', [[`max by (job) (tsuzuku_outbox_oldest_age{})`, '{{job}}']]],
    [
      'HTTP 5xx ratio by service',
      'percentunit',
      [
        [
          `sum by (job) (rate(http_server_request_duration_count{http_response_status_code=~"5.."}[5m])) / sum by (job) (rate(http_server_request_duration_count{}[5m]))`,
          '{{job}}',
        ],
      ],
    ],
    [
      'Playbook runs by outcome',
      'ops',
      [
        [
          `sum by (tsuzuku_playbook_run_status) (rate(tsuzuku_playbooks_runs_finished_total{job="playbooks"}[5m]))`,
          '{{tsuzuku_playbook_run_status}}',
        ],
      ],
    ],
  ]);
  return files;
}

// --check: exit 1, naming them, when the committed files differ from what this would write.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [file, content] of Object.entries(dashboards())) {
    const target = path.join(HERE, file);
    if (!check) writeFileSync(target, `${JSON.stringify(content, null, 2)}\n`);
    else if (!existsSync(target) || !isDeepStrictEqual(JSON.parse(readFileSync(target, 'utf8')), content))
      stale.push(file);
  }
  if (stale.length > 0) {
    console.error(`out of date (run node deploy/grafana/dashboards.mjs): ${stale.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`${check ? 'checked' : 'wrote'} ${Object.keys(dashboards()).length} dashboards in ${HERE}`);
  }
}
