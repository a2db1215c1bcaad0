//! BW009: build parameters from workflow_dispatch inputs.

use crate::audit::rule::{Check, FileKind, Rule, Sink};
use crate::audit::workflow::Workflow;
use crate::report::Severity;

pub static RULE: Rule = Rule {
    code: "BW009",
    name: "workflow-dispatch-inputs",
    kind: FileKind::Workflow,
    severity: Severity::Info,
    summary: "A `workflow_dispatch` trigger takes inputs, which become unreviewed build parameters.",
    fix: "Keep release and image builds parameter-free; derive everything from the commit.",
    docs: r#"## What it does
Flags `on.workflow_dispatch.inputs` that are not empty.

## Why is this bad?
SLSA provenance expects builds defined by the source alone; manual inputs let whoever triggers the run change what is built (and are a script-injection vector when used in `run:`).

## Example
```yaml
on:
  workflow_dispatch:
    inputs:
      tag: {required: true}
```

## Use instead
```yaml
on:
  push:
    tags: ["v*"]
```

## References
- checkov CKV_GHA_7; SLSA build requirements
"#,
    opt_in: false,
    check: Check::Workflow(check),
};

fn check(workflow: &Workflow, sink: &mut Sink) {
    if let Some(inputs) = workflow.triggers().and_then(|t| t.get("workflow_dispatch")).and_then(|d| d.get("inputs")) {
        if inputs.as_map().is_some_and(|m| !m.is_empty()) {
            sink.at(inputs.line, inputs.col, "workflow_dispatch takes inputs: unreviewed build parameters");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::testing::lines;

    #[test]
    fn flags_inputs() {
        assert_eq!(
            lines(&RULE, "on:\n  workflow_dispatch:\n    inputs:\n      tag: {required: true}\njobs: {}\n"),
            [4]
        );
    }
}
