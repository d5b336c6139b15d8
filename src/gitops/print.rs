//! `gitgate graph`: the deployer tree per cluster, as text, JSON or Graphviz `dot`.

use std::fmt::Write;

use super::{Deployer, Graph};

fn describe(d: &Deployer) -> String {
    let mut s = format!("{} {}/{}", d.kind, d.namespace, d.name);
    if !d.paths.is_empty() {
        let paths: Vec<String> = d
            .paths
            .iter()
            .map(|p| {
                if p.is_empty() {
                    "./".into()
                } else {
                    format!("./{p}")
                }
            })
            .collect();
        let _ = write!(s, " → {}", paths.join(", "));
    }
    if let Some(c) = &d.chart {
        let _ = write!(s, " chart {c}");
    }
    if let Some(src) = &d.source {
        if src.external {
            let what = src.url.as_deref().unwrap_or(&src.name);
            let _ = write!(s, " (from {} {what}, not in this repository)", src.kind);
        } else if !src.name.is_empty() {
            let _ = write!(s, " (from {} {}/{})", src.kind, src.namespace, src.name);
        }
    }
    if d.templated {
        s.push_str(" [generated Applications not expanded]");
    }
    if !d.depends_on.is_empty() {
        let _ = write!(s, " dependsOn {}", d.depends_on.join(", "));
    }
    if !d.paths.is_empty() {
        let _ = write!(s, " — {} object(s)", d.objects.len());
    }
    let _ = write!(s, "  [{}:{}]", d.file, d.line);
    s
}

pub fn text(graph: &Graph) -> String {
    let mut out = String::new();
    if graph.deployers.is_empty() {
        out.push_str("no Flux or Argo CD deployers found\n");
        return out;
    }
    for (cluster, roots) in &graph.roots {
        let title = if cluster.is_empty() {
            "cluster not known".to_string()
        } else {
            format!("cluster {cluster}")
        };
        let _ = writeln!(out, "{title}");
        for (i, &r) in roots.iter().enumerate() {
            tree(graph, r, "", i + 1 == roots.len(), &mut out, 0);
        }
    }
    out
}

fn tree(graph: &Graph, n: usize, prefix: &str, last: bool, out: &mut String, depth: usize) {
    let d = &graph.deployers[n];
    let _ = writeln!(
        out,
        "{prefix}{}{}",
        if last { "└─ " } else { "├─ " },
        describe(d)
    );
    if depth > graph.deployers.len() {
        return;
    }
    let next = format!("{prefix}{}", if last { "   " } else { "│  " });
    for (i, &c) in d.children.iter().enumerate() {
        tree(graph, c, &next, i + 1 == d.children.len(), out, depth + 1);
    }
}

pub fn json(graph: &Graph) -> String {
    let v = serde_json::json!({
        "clusters": graph.roots.iter().map(|(c, roots)| serde_json::json!({
            "name": if c.is_empty() { None } else { Some(c) },
            "roots": roots,
        })).collect::<Vec<_>>(),
        "deployers": graph.deployers.iter().map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or_default();
            v["objects"] = serde_json::json!(d.objects.len());
            v
        }).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn dot(graph: &Graph) -> String {
    let mut out = String::from("digraph gitgate {\n  rankdir=LR;\n  node [shape=box];\n");
    for (c, (cluster, roots)) in graph.roots.iter().enumerate() {
        let label = if cluster.is_empty() {
            "cluster not known"
        } else {
            cluster
        };
        let _ = writeln!(
            out,
            "  c{c} [label={}, shape=ellipse];",
            quote(&format!("cluster {label}"))
        );
        for r in roots {
            let _ = writeln!(out, "  c{c} -> d{r};");
        }
    }
    for (n, d) in graph.deployers.iter().enumerate() {
        let mut label = format!("{} {}/{}", d.kind, d.namespace, d.name);
        for p in &d.paths {
            let _ = write!(label, "\n./{p}");
        }
        let _ = writeln!(out, "  d{n} [label={}];", quote(&label));
        for c in &d.children {
            let _ = writeln!(out, "  d{n} -> d{c};");
        }
        for dep in &d.depends_on {
            if let Some(m) = graph
                .deployers
                .iter()
                .position(|o| o.kind == d.kind && format!("{}/{}", o.namespace, o.name) == *dep)
            {
                let _ = writeln!(out, "  d{n} -> d{m} [style=dashed, label=dependsOn];");
            }
        }
    }
    out.push_str("}\n");
    out
}
