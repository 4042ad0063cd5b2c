//! `cats ice`: a node's keys (`keygen`) and what its outbox and inbox hold (`status`); and the
//! ICE part of `cats serve` ([`start`]).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use serde_json::json;

use cats_app::store::PeerQueue;
use cats_app::App;

use crate::config::Location;

/// `cats ice keygen --dir DIR --node ID`: make the node's key pair and self-signed certificate
/// and print what peers need (its public key). Never overwrites a key.
pub fn keygen(dir: &Path, node: &str) -> anyhow::Result<String> {
    cats_domain::ids::NodeId::parse(node).with_context(|| format!("node id {node:?}"))?;
    let files = cats_ice::keys::generate(dir, node)?;
    Ok(format!(
        "key:         {}\ncertificate: {}\npublic key:  {} (in {})\n\nFor this node's cats.toml:\n\n[ice]\nnode = \"{node}\"\ncountries = [\"{}\"]\nkey = \"{}\"\ncertificate = \"{}\"\n\nFor each peer's cats.toml:\n\n[[ice.peers]]\nnode = \"{node}\"\ncountries = [\"{}\"]\nurl = \"http://127.0.0.1:8080\"\npublic_key = \"{}\"\n",
        files.key.display(),
        files.certificate.display(),
        files.public_key_base64,
        files.public_key.display(),
        node.get(..2).unwrap_or(node),
        files.key.display(),
        files.certificate.display(),
        node.get(..2).unwrap_or(node),
        files.public_key_base64,
    ))
}

/// The ICE part of a serving node: the app knows the network and the delivery worker runs until
/// `stop`. With `[ice] listen`, the endpoint peers post to is served there over mutual TLS and
/// `None` is returned; otherwise the router to merge into the web listener's. Errors: the TLS
/// files cannot be read, or the listener cannot be bound.
pub async fn start(
    app: App,
    network: cats_ice::Network,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<(App, Option<axum::Router>)> {
    let network = Arc::new(network);
    let client = network.http_client()?;
    let app = cats_ice::ask::attach(app, &network, client.clone());
    let tls = network.tls_server()?;
    tokio::spawn(cats_ice::deliver::run(
        app.clone(),
        network.clone(),
        client,
        stop.clone(),
    ));
    let router = cats_ice::server::router(app.clone(), network.clone());
    match (network.listen, tls) {
        (Some(addr), Some(config)) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("ICE listener on {addr}"))?;
            eprintln!(
                "ICE endpoint on https://{} (mutual TLS)",
                listener.local_addr()?
            );
            tokio::spawn(cats_ice::tls::serve(listener, config, router, stop));
            Ok((app, None))
        }
        _ => Ok((app, Some(router))),
    }
}

/// `cats ice status`: the network from the configuration, and per peer what the outbox and
/// inbox hold (pending, delivered, refused, retries, oldest pending, largest lag, last error).
pub async fn status(location: &Location, as_json: bool) -> anyhow::Result<String> {
    let network = location.network()?;
    let store = cats_store::open(&location.database, &location.settings)
        .await
        .with_context(|| format!("opening {}", location.database.describe()))?;
    let queues = store.ice_queues(Utc::now()).await?;
    if as_json {
        let peers: Vec<_> = network
            .as_ref()
            .map(|n| {
                n.peers
                    .values()
                    .map(|p| json!({"node": p.node, "url": p.url, "countries": p.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>()}))
                    .collect()
            })
            .unwrap_or_default();
        return Ok(serde_json::to_string_pretty(&json!({
            "node": network.as_ref().map(|n| n.topology.node.to_string()),
            "hosted": network.as_ref().map(|n| n.topology.hosted.iter().map(|c| c.as_str()).collect::<Vec<_>>()),
            "peers": peers,
            "queues": queues,
        }))?);
    }
    let mut out = String::new();
    match &network {
        None => out.push_str(
            "stand-alone node: no [ice] table in the configuration; every office is hosted here\n",
        ),
        Some(n) => {
            out.push_str(&format!(
                "node {} hosting {}\n\n{:<10} {:<10} {}\n",
                n.topology.node,
                n.topology
                    .hosted
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                "peer",
                "countries",
                "url"
            ));
            for p in n.peers.values() {
                out.push_str(&format!(
                    "{:<10} {:<10} {}\n",
                    p.node.as_str(),
                    p.countries
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    p.url
                ));
            }
        }
    }
    out.push('\n');
    out.push_str(&queue_table(&queues));
    Ok(out)
}

fn queue_table(queues: &[PeerQueue]) -> String {
    let mut out = format!(
        "{:<10} {:>8} {:>10} {:>8} {:>8} {:>9} {:>10} {:<25} {}\n",
        "peer",
        "pending",
        "delivered",
        "refused",
        "retried",
        "received",
        "max lag",
        "oldest pending",
        "last error"
    );
    if queues.is_empty() {
        out.push_str("(no messages sent or received yet)\n");
    }
    for q in queues {
        out.push_str(&format!(
            "{:<10} {:>8} {:>10} {:>8} {:>8} {:>9} {:>10} {:<25} {}\n",
            q.peer.as_str(),
            q.pending,
            q.delivered,
            q.refused,
            q.retried,
            q.received,
            q.max_lag_ms.map_or("-".into(), |ms| format!("{ms} ms")),
            q.oldest_pending.map_or("-".into(), |t| t
                .format("%Y-%m-%d %H:%M:%S UTC")
                .to_string()),
            q.last_error.as_deref().unwrap_or("-"),
        ));
    }
    out
}
