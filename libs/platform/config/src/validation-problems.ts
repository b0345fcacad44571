import { ValidationError } from 'class-validator';

/** A field that failed validation: its path (dots and brackets) and what is wrong with it. */
export interface ValidationProblem {
  readonly path: string;
  readonly message: string;
}

/** class-validator's error tree as a flat list of field paths and messages. */
export function validationProblems(errors: readonly ValidationError[], prefix = ''): ValidationProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${prefix.replace(/\.$/, '')}[${error.property}]`
      : `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      // class-validator starts its messages with the property name; the path says it already.
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...validationProblems(error.children ?? [], `${path}.`)];
  });
}
