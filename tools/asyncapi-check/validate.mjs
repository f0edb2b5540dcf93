// Validates AsyncAPI documents with the official parser (@asyncapi/parser) and prints every
// diagnostic it reports, errors, warnings and the rest, as a JSON array on stdout, one report a file:
//   [{"file", "errors", "warnings", "diagnostics": [{severity, code, message, path, line}]}]
// Exit status: 0 when no file has an error, 1 when one has, 2 when a file cannot be read.
// Several files share one run because loading the parser costs about a second of CPU.
// tests/unit/test_asyncapi_parser.py runs it on docs/asyncapi.json and on a freshly generated
// document; it judges the warnings itself, from the printed list.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';

// Spectral's DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
const SEVERITIES = ['error', 'warning', 'info', 'hint'];

function describe(diagnostic) {
  const start = diagnostic.range?.start;
  return {
    severity: SEVERITIES[diagnostic.severity] ?? String(diagnostic.severity),
    code: String(diagnostic.code),
    message: diagnostic.message,
    path: diagnostic.path.join('/'),
    line: start === undefined ? null : start.line + 1,
  };
}

async function validate(parser, file) {
  const text = await readFile(file, 'utf8');
  const { diagnostics } = await parser.parse(text, { source: file });
  const described = diagnostics.map(describe);
  const count = (severity) => described.filter((d) => d.severity === severity).length;
  return { file, errors: count('error'), warnings: count('warning'), diagnostics: described };
}

async function main(files) {
  if (files.length === 0) {
    console.error('usage: node validate.mjs <asyncapi.json>...');
    return 2;
  }
  const parser = new Parser();
  const reports = [];
  for (const file of files.map((name) => resolve(name))) {
    try {
      reports.push(await validate(parser, file));
    } catch (error) {
      console.error(`cannot validate ${file}: ${error.message}`);
      return 2;
    }
  }
  console.log(JSON.stringify(reports, null, 2));
  return reports.some((report) => report.errors > 0) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
