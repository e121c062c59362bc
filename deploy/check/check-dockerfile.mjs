// Lints Dockerfiles with dockerfile-utils (the validator of the Docker language server in editors): unknown
// instructions and flags, JSON (exec) form in single quotes, protocols, signals, stage names, missing base image. Every warning
// counts as a failure. A self-test first: a Dockerfile with known mistakes must be rejected.
//
//   node check-dockerfile.mjs Dockerfile...      exit 0 if every file is clean, 1 otherwise
import { readFileSync } from "node:fs";
import { validate, ValidationSeverity } from "dockerfile-utils";

const settings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const problems = (text) => validate(text, settings)
    .map((d) => `line ${d.range.start.line + 1}: ${d.message}`);

let failed = false;
const broken = "FROM debian:bookworm-slim\nEXPOS 8080\nCOPY --chmown=1 a /b\nENTRYPOINT ['java', '-jar']\nSTOPSIGNAL FOO\n";
const caught = problems(broken);
if (caught.length < 4) {
  failed = true;
  console.error(`FAIL self-test: a broken Dockerfile gave ${caught.length} problems, expected 4: ${caught.join("; ")}`);
} else {
  console.log(`ok   self-test: a broken Dockerfile is rejected (${caught.length} problems)`);
}
const files = process.argv.slice(2);
for (const file of files) {
  const found = problems(readFileSync(file, "utf8"));
  if (found.length) {
    failed = true;
    console.error(`FAIL ${file}:`);
    found.forEach((p) => console.error(`  ${p}`));
  } else {
    console.log(`ok   ${file}`);
  }
}
process.exit(failed ? 1 : 0);
