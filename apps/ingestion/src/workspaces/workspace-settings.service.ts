import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { enqueueOutbox } from '@tsuzuku/platform-database';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { Clock } from '@tsuzuku/platform-runtime';
import { WorkspaceException } from './workspace.exception';
import { WorkspaceRepository } from './workspace.repository';
import { WorkspaceSettingsView, settingsView, workspaceSettingsMessage } from './workspace-settings';

/** How long a change waits for the other services to be told before it answers anyway. */
const ANNOUNCE_WAIT_MS = 5_000;

/**
 * The settings of a workspace that the other services apply (the fallback owner of alerts and
 * tasks). Each change is a new version, announced on cs.workspaces.v1 through the outbox in the
 * same transaction; alerting and playbooks keep their copy, so a change needs no restart.
 */
@Injectable()
export class WorkspaceSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workspaces: WorkspaceRepository,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceSettingsView> {
    const row = await this.workspaces.find(workspaceId);
    if (!row) throw new WorkspaceException('workspace_not_found', `no workspace ${workspaceId}`);
    return settingsView(row);
  }

  /** Sets who owns the work of accounts that name no owner (null: nobody), and announces it. */
  async setFallbackOwner(workspaceId: string, fallbackOwner: string | null): Promise<WorkspaceSettingsView> {
    const row = await this.dataSource.transaction(async (m) => {
      const updated = await this.workspaces.setFallbackOwner(m, workspaceId, fallbackOwner, this.clock.now());
      if (!updated) throw new WorkspaceException('workspace_not_found', `no workspace ${workspaceId}`);
      await enqueueOutbox(m, 'ingestion', [workspaceSettingsMessage(updated)]);
      return updated;
    });
    await this.announced();
    return settingsView(row);
  }

  /** Waits (bounded) until the outbox has sent the change; it is committed, so it goes out later anyway. */
  async announced(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.relay.flush().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, ANNOUNCE_WAIT_MS))),
    ]);
    clearTimeout(timer);
  }
}
