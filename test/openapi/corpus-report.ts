/** Prints the corpus table of issue 17: `npx tsx test/openapi/corpus-report.ts`. */
import { corpusEntry, corpusFiles, reportRow } from './corpus';

async function report(): Promise<void> {
  console.log('| document | operations | routes | merged pairs | warnings by kind | time (pure compilers) |');
  console.log('|---|---|---|---|---|---|');
  for (const f of corpusFiles) console.log(reportRow(await corpusEntry(f)));
}

void report();
