//! Syslog lines from a few hosts, keyed by host. About one line in six is sshd reporting an
//! `Invalid user <name> from <ip>`, the line the talk's first KSQL query filters for.

use super::json::{json_record, pick, JsonObject};
use super::Emitted;
use crate::clock::Millis;
use crate::log::TopicConfig;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub const TOPIC: &str = "syslog";

pub fn topics() -> Vec<(&'static str, TopicConfig)> {
    vec![(TOPIC, TopicConfig::with_partitions(1))]
}

const FACILITIES: &[&str] = &["auth", "daemon", "kern", "cron", "user"];
const USERNAMES: &[&str] = &["admin", "mini", "oracle", "test", "pi", "ubuntu", "guest", "postgres"];
const VALID_USERS: &[&str] = &["rmoff", "deploy", "alice"];

#[derive(Clone, Debug)]
pub struct Syslog {
    n_hosts: u32,
}

impl Syslog {
    pub fn new(n_hosts: u32) -> Self {
        Syslog { n_hosts: n_hosts.max(1) }
    }

    pub fn next_event(&mut self, rng: &mut ChaCha8Rng, event_time_ms: Millis, out: &mut Vec<Emitted>) {
        let host = format!("host-{:02}", rng.gen_range(0..self.n_hosts) + 1);
        let pid = rng.gen_range(1_000..32_000);
        let ip = format!("{}.{}.{}.{}", rng.gen_range(1..224), rng.gen_range(0..256), rng.gen_range(0..256), rng.gen_range(1..255));
        let (facility, severity, message) = match rng.gen_range(0..12) {
            0 | 1 => ("auth", "info", format!("sshd[{pid}]: Invalid user {} from {ip}", pick(rng, USERNAMES))),
            2 => ("auth", "warning", format!("sshd[{pid}]: Failed password for {} from {ip} port {} ssh2", pick(rng, VALID_USERS), rng.gen_range(1024..65535))),
            3 => ("auth", "info", format!("sshd[{pid}]: Accepted publickey for {} from {ip} port {} ssh2", pick(rng, VALID_USERS), rng.gen_range(1024..65535))),
            4 | 5 => ("cron", "info", format!("CRON[{pid}]: (root) CMD (run-parts /etc/cron.hourly)")),
            6 => ("kern", "warning", format!("kernel: [UFW BLOCK] IN=eth0 SRC={ip} PROTO=TCP DPT={}", rng.gen_range(1..1024))),
            _ => {
                let facility = pick(rng, FACILITIES);
                (facility, "info", format!("systemd[1]: Started Session {} of user {}.", rng.gen_range(1..9_999), pick(rng, VALID_USERS)))
            }
        };
        let value = JsonObject::new()
            .int("ts", event_time_ms)
            .str("host", &host)
            .str("facility", facility)
            .str("severity", severity)
            .str("message", &message);
        out.push(Emitted { topic: TOPIC, record: json_record(&host, value) });
    }
}
