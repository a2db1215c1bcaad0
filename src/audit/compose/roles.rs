//! What a service is for, judged by its image and name: data stores and reverse proxies.

use super::service::Service;
use crate::audit::dockerfile::ImageRef;
use crate::audit::secrets::is_credential_name;

/// Images of databases and other data stores (repository, without registry or tag).
const DATASTORES: &[&str] = &[
    "postgres",
    "postgis/postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey/valkey",
    "elasticsearch",
    "opensearchproject/opensearch",
    "memcached",
    "cassandra",
    "couchdb",
    "neo4j",
    "clickhouse/clickhouse-server",
    "timescale/timescaledb",
    "bitnami/postgresql",
    "bitnami/mysql",
    "bitnami/redis",
    "rabbitmq",
    "minio/minio",
];

/// Images of reverse proxies and load balancers.
const PROXIES: &[&str] = &[
    "traefik",
    "nginx",
    "nginxinc/nginx-unprivileged",
    "bitnami/nginx",
    "openresty/openresty",
    "caddy",
    "haproxy",
    "haproxytech/haproxy-alpine",
    "envoyproxy/envoy",
    "jc21/nginx-proxy-manager",
    "nginxproxy/nginx-proxy",
    "jwilder/nginx-proxy",
    "linuxserver/swag",
    "httpd",
    "varnish",
    "kong",
    "wemakeservices/caddy-gen",
    "lucaslorentz/caddy-docker-proxy",
    "steveltn/https-portal",
];

/// Service names that say the service is the reverse proxy (when it is built, not pulled).
const PROXY_NAMES: &[&str] =
    &["proxy", "reverse-proxy", "reverseproxy", "traefik", "nginx", "caddy", "haproxy", "gateway", "ingress"];

fn repository(svc: &Service) -> Option<String> {
    let (image, _) = svc.image()?;
    // `lscr.io/linuxserver/swag`, `docker.io/library/nginx`: judged without the registry.
    Some(ImageRef::parse(&image.text).repository().to_string())
}

/// Whether a service runs a database or other data store, judged by its image.
pub fn is_datastore(svc: &Service) -> bool {
    repository(svc).is_some_and(|r| DATASTORES.contains(&r.as_str()))
}

/// Whether a service is plainly the reverse proxy: a proxy image or a proxy's name, and no
/// database credentials in its environment.
pub fn is_reverse_proxy(svc: &Service) -> bool {
    let image = repository(svc).is_some_and(|repo| {
        PROXIES.contains(&repo.as_str()) || PROXIES.iter().any(|p| repo.ends_with(&format!("/{p}")))
    });
    let proxy = image || PROXY_NAMES.contains(&svc.name.to_ascii_lowercase().as_str());
    let database = ["postgres", "mysql", "mariadb", "mongo", "db", "database", "redis"];
    proxy
        && !svc.environment().iter().any(|(key, _, _)| {
            is_credential_name(key)
                && crate::audit::secrets::name_words(key).iter().any(|w| database.contains(&w.as_str()))
        })
}
