/** The fields an email, notify text or webhook can name, as {{account.name}}. */
export const TEMPLATE_FIELDS = [
  'account.id',
  'account.name',
  'account.plan',
  'account.mrr',
  'account.seats',
  'account.renewalDate',
  'account.csmEmail',
  'account.segment',
  'account.phase',
  'account.touchModel',
  'account.band',
  'account.score',
  'contact.email',
  'playbook.name',
  'run.id',
] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type TemplateValues = Partial<Record<TemplateField, string | number | null>>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholders a template names that do not exist. */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const [, name] of template.matchAll(PLACEHOLDER))
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(name!))
      problems.push(`names {{${name}}}, which is not one of ${TEMPLATE_FIELDS.join(', ')}`);
  return problems;
}

/** Fills the placeholders; a field without a value becomes empty. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => {
    const value = values[name as TemplateField];
    return value === null || value === undefined ? '' : String(value);
  });
}
