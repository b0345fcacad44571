import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';

/** The free-text slice attributes a report filter may name a value of no account for. */
export type TraitSlice = 'segment' | 'owner' | 'plan';

const sql = defineStatements('reporting.slice-values', {
  // A null parameter is not asked about: the one-time filter skips its scan.
  known: `
    SELECT $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
             WHERE workspace_id = $1 AND lower(segment) = lower($2)) AS segment,
           $3::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
             WHERE workspace_id = $1 AND lower(owner) = lower($3)) AS owner,
           $4::text IS NOT NULL AND EXISTS (SELECT 1 FROM reporting.account_attributes
             WHERE workspace_id = $1 AND lower(plan) = lower($4)) AS plan`,
});

/** Whether any account version of a workspace has a slice value (compared without regard to case). */
@Injectable()
export class SliceValuesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Of the values asked (non-empty ones), those no account of the workspace ever had. */
  async unknown(workspaceId: string, values: Partial<Record<TraitSlice, string>>): Promise<TraitSlice[]> {
    const asked = (key: TraitSlice) => (values[key] ? values[key] : null);
    const [row] = (await this.dataSource.query(sql.known, [
      workspaceId,
      asked('segment'),
      asked('owner'),
      asked('plan'),
    ])) as Record<TraitSlice, boolean>[];
    return (['segment', 'owner', 'plan'] as const).filter((k) => asked(k) !== null && !row?.[k]);
  }
}
