// Checks Kubernetes manifests against the Kubernetes API schema, offline (no cluster, no kubectl server):
//   1. YAML: parsed by a full YAML 1.2 parser; duplicate keys and syntax errors fail.
//   2. Schema: each object is validated by kubernetes-models, whose validators are generated from the
//      Kubernetes OpenAPI spec (types, required fields, formats such as int32 and int-or-string).
//   3. Unknown fields: JSON Schema from the OpenAPI spec allows unknown fields (the API server drops them with a
//      warning), so each object is also type-checked by the TypeScript compiler against kubernetes-models'
//      interfaces as an object literal: a misspelt field (`livenesProbe`) is an excess property, an error.
// Then a self-test: three broken copies of the first object (an unknown field, a wrong type, a missing required
// field) must each be rejected, so a check that silently passes everything fails instead.
//
//   node check-kubernetes.mjs FILE.yaml...      exit 0 if every object passes, 1 otherwise
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import ts from "typescript";

const here = dirname(fileURLToPath(import.meta.url));

/** The kubernetes-models module of an apiVersion + kind: "apps/v1" + "Deployment" -> "apps/v1/Deployment". */
function modelPath(object) {
  if (typeof object?.apiVersion !== "string" || typeof object?.kind !== "string") {
    throw new Error("no apiVersion or kind");
  }
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

/** Schema errors of one object, as strings; empty if it is valid. */
async function schemaErrors(object) {
  let module;
  try {
    module = await import(modelPath(object));
  } catch (e) {
    return [`unknown apiVersion/kind ${object?.apiVersion}/${object?.kind}: ${e.message}`];
  }
  const Model = module[object.kind];
  try {
    new Model(object).validate();
    return [];
  } catch (e) {
    if (!Array.isArray(e.errors)) throw e;
    return e.errors.map((err) => `${err.instancePath || "/"} ${err.message}` +
        (err.params && Object.keys(err.params).length ? ` ${JSON.stringify(err.params)}` : ""));
  }
}

/** TypeScript errors (unknown fields, wrong types) of the objects, as strings; empty if none. */
function typeErrors(objects) {
  const dir = mkdtempSync(join(here, ".typecheck-"));
  try {
    const lines = [];
    objects.forEach((object, i) => {
      const type = `I${object.kind}`;
      lines.push(`import type { ${type} as T${i} } from "${modelPath(object)}";`);
    });
    objects.forEach((object, i) => {
      lines.push(`// object ${i + 1}: ${object.apiVersion} ${object.kind} ${object.metadata?.name ?? ""}`);
      lines.push(`export const object${i}: T${i} = ${JSON.stringify(object, null, 2)};`);
    });
    const file = join(dir, "manifest.ts");
    writeFileSync(file, lines.join("\n") + "\n");
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
      if (!d.file) return text;
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const source = d.file.text.split("\n")[line].trim();
      return `${text} (at: ${source})`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every object of a YAML file; throws on a YAML error (syntax, duplicate key). */
function readObjects(path) {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { uniqueKeys: true, prettyErrors: true });
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const object = doc.toJS();
    if (object !== null) objects.push(object);
  }
  return objects;
}

/** All errors of the objects: schema, then types. */
async function check(objects) {
  const errors = [];
  for (const [i, object] of objects.entries()) {
    for (const e of await schemaErrors(object)) {
      errors.push(`object ${i + 1} (${object?.kind} ${object?.metadata?.name ?? ""}): schema: ${e}`);
    }
  }
  if (errors.length === 0) {
    for (const e of typeErrors(objects)) errors.push(`types: ${e}`);
  }
  return errors;
}

/** The first container of a workload's pod template, or of a pod. */
function firstContainer(object) {
  return (object.spec?.template?.spec ?? object.spec).containers[0];
}

/** Broken copies of an object that the check must reject. */
function mutants(object) {
  const copy = () => structuredClone(object);
  const unknownField = copy();
  firstContainer(unknownField).livenesProbe = firstContainer(unknownField).livenessProbe ?? {};
  const wrongType = copy();
  firstContainer(wrongType).ports = [{ containerPort: "8080" }];
  const missingRequired = copy();
  delete firstContainer(missingRequired).name;
  return { "unknown field livenesProbe": unknownField, "containerPort as a string": wrongType,
    "container without a name": missingRequired };
}

let failed = false;
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node check-kubernetes.mjs FILE.yaml...");
  process.exit(2);
}
for (const file of files) {
  let objects;
  try {
    objects = readObjects(file);
  } catch (e) {
    console.error(`FAIL ${file}: ${e.message}`);
    failed = true;
    continue;
  }
  const errors = await check(objects);
  if (errors.length) {
    failed = true;
    console.error(`FAIL ${file}:`);
    errors.forEach((e) => console.error(`  ${e}`));
  } else {
    console.log(`ok   ${file}: ${objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata?.name}`).join(", ")}`);
  }
  const workload = objects.find((o) => o.spec?.template?.spec?.containers || o.spec?.containers);
  if (workload) {
    for (const [what, mutant] of Object.entries(mutants(workload))) {
      const found = await check([mutant]);
      if (found.length === 0) {
        failed = true;
        console.error(`FAIL self-test: a ${workload.kind} with ${what} passed the check`);
      } else {
        console.log(`ok   self-test: ${what} is rejected: ${found[0]}`);
      }
    }
  }
}
process.exit(failed ? 1 : 0);
