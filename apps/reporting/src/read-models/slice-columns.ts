import { RecordColumnType } from '@tsuzuku/platform-database';
import { SLICE_ATTRIBUTES, SliceAttribute } from '../kpis/domain/slice';

/** The slice attributes as `recordset` columns (all text), in SLICE_ATTRIBUTES' order. */
export const SLICE_RECORDSET_COLUMNS = Object.fromEntries(
  SLICE_ATTRIBUTES.map((attribute) => [attribute, 'text']),
) as Readonly<Record<SliceAttribute, RecordColumnType>>;
