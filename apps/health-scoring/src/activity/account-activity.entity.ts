import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How much and how recently an account has been active, from its customer events. */
@Entity({ name: 'account_activity' })
export class AccountActivity {
  @PrimaryColumn({ name: 'workspace_id', type: 'text' })
  workspaceId!: string;

  @PrimaryColumn({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ name: 'events_total', type: 'bigint' })
  eventsTotal!: string;

  @Column({ name: 'first_event_at', type: 'timestamptz' })
  firstEventAt!: Date;

  @Column({ name: 'last_event_at', type: 'timestamptz' })
  lastEventAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
