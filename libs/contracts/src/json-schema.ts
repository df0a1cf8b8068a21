/** A JSON Schema (draft 2020-12) document, or a part of one. */
export interface JsonSchema {
  [keyword: string]: unknown;
}
