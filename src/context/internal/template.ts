/** Placeholder substitution for the prompt templates of prompts/. */

/** Substitutes `{{ name }}` placeholders in one pass; unknown names are left as written. */
export const renderTemplate = (template: string, variables: Readonly<Record<string, string>>): string =>
  template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(variables, name) ? variables[name]! : whole
  )
