// @ts-check
import ts from 'typescript';

/**
 * Bubble evaluates server.js / element files as a single function expression. Returns a problem
 * description, or undefined when `text` is exactly one (async) function expression and nothing else.
 * @param {string} text
 */
export function checkFunctionExpression(text) {
  const source = ts.createSourceFile('file.js', `(${text}\n)`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const diagnostics = /** @type {{ parseDiagnostics?: unknown[] }} */ (/** @type {unknown} */ (source)).parseDiagnostics ?? [];
  if (diagnostics.length) return `does not parse as one expression (${diagnostics.length} syntax errors)`;
  const [first, ...rest] = source.statements;
  if (!first || rest.length || !ts.isExpressionStatement(first)) return 'is not exactly one expression';
  const inner = ts.isParenthesizedExpression(first.expression) ? first.expression.expression : undefined;
  if (!inner || !ts.isFunctionExpression(inner)) return 'is not a function expression';
  if (inner.name) return 'is a named function; Bubble expects an anonymous one';
  if (/;\s*$/.test(text)) return 'ends with a semicolon';
  return undefined;
}
