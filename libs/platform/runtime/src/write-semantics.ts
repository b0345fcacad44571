import { applyDecorators } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';

/** What every PUT of the Tsuzuku APIs does, as its OpenAPI description says. */
export const REPLACE_SEMANTICS =
  'Semantics: PUT replaces the whole resource and validates it whole. The body must be a JSON ' +
  'object with every required field (a nullable one is sent as null to clear it); a missing ' +
  'required field, an unknown field, or a body that is null, an array or a scalar is 400 with ' +
  'each field path, and nothing changes. An optional field left out takes its documented ' +
  'default, never the stored value: to change some fields only, use PATCH where the resource has it.';

/** What every PATCH of the Tsuzuku APIs does, as its OpenAPI description says. */
export const PATCH_SEMANTICS =
  'Semantics: PATCH changes only the fields sent; the others keep their stored values. The body ' +
  'must be a JSON object; null, an array or a scalar is 400, and so is an invalid field (with ' +
  'its path), and nothing changes.';

/** The OpenAPI operation of a PUT: its summary and the replace semantics. */
export function ApiReplaceOperation(summary: string, notes?: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary, description: notes ? `${notes}\n\n${REPLACE_SEMANTICS}` : REPLACE_SEMANTICS }),
  );
}

/** The OpenAPI operation of a PATCH: its summary and the partial-change semantics. */
export function ApiPatchOperation(summary: string, notes?: string): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary, description: notes ? `${notes}\n\n${PATCH_SEMANTICS}` : PATCH_SEMANTICS }),
  );
}
