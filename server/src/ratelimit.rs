//! Rate limits as GCRA (the generic cell rate algorithm): in process by default, in Redis when
//! `REDIS_URL` is set so that several instances share one budget.
//!
//! A rate of `count` per `period` admits a burst of `count` requests and then one request every
//! `period / count`. The state per key is one number, the theoretical arrival time (TAT).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Rate;
use crate::error::{ApiError, ErrorKind};

/// In-process entries kept before expired ones are swept.
const SWEEP_AT_ENTRIES: usize = 100_000;

/// The Redis form of the same algorithm, atomic because Redis runs a script as one step.
/// KEYS[1] is the key; ARGV is now, the emission interval and the period, in milliseconds.
/// Returns 0 when the request is admitted, or the milliseconds to wait.
const GCRA_SCRIPT: &str = r"
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local period = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - period
if now < allow_at then return allow_at - now end
redis.call('SET', KEYS[1], new_tat, 'PX', period)
return 0
";

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Rejected; the duration is how long until one more request would be admitted.
    Reject(Duration),
}

enum Backend {
    Memory(Mutex<HashMap<String, u64>>),
    Redis(redis::aio::ConnectionManager, redis::Script),
}

/// A set of GCRA limits keyed by strings such as `auth:ip:127.0.0.1`.
pub struct Limiter {
    backend: Backend,
}

fn now_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Applies GCRA to one stored TAT. Returns the new TAT when admitted.
fn gcra(tat: Option<u64>, now: u64, rate: Rate) -> Result<u64, u64> {
    let period = rate.period.as_millis() as u64;
    let interval = period / u64::from(rate.count);
    let new_tat = tat.unwrap_or(now).max(now) + interval;
    let allow_at = new_tat.saturating_sub(period);
    if now < allow_at {
        Err(allow_at - now)
    } else {
        Ok(new_tat)
    }
}

impl Limiter {
    /// Creates an in-process limiter.
    pub fn memory() -> Limiter {
        Limiter { backend: Backend::Memory(Mutex::new(HashMap::new())) }
    }

    /// Connects to Redis at `url`.
    ///
    /// # Errors
    ///
    /// The Redis error when the server cannot be reached.
    pub async fn redis(url: &str) -> Result<Limiter, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let manager = redis::aio::ConnectionManager::new(client).await?;
        Ok(Limiter { backend: Backend::Redis(manager, redis::Script::new(GCRA_SCRIPT)) })
    }

    /// Counts one request against `key` under `rate`.
    ///
    /// # Errors
    ///
    /// `INTERNAL` when Redis fails. The request is then rejected rather than let through.
    pub async fn check(&self, key: &str, rate: Rate) -> Result<Decision, ApiError> {
        let now = now_millis();
        match &self.backend {
            Backend::Memory(map) => {
                let mut map = map.lock().expect("rate limit lock");
                if map.len() >= SWEEP_AT_ENTRIES {
                    map.retain(|_, tat| *tat > now);
                }
                match gcra(map.get(key).copied(), now, rate) {
                    Ok(new_tat) => {
                        map.insert(key.to_string(), new_tat);
                        Ok(Decision::Allow)
                    }
                    Err(wait) => Ok(Decision::Reject(Duration::from_millis(wait))),
                }
            }
            Backend::Redis(manager, script) => {
                let period = rate.period.as_millis() as u64;
                let interval = period / u64::from(rate.count);
                let mut connection = manager.clone();
                let wait: u64 = script
                    .key(format!("techdeck-keyserver:rl:{key}"))
                    .arg(now)
                    .arg(interval)
                    .arg(period)
                    .invoke_async(&mut connection)
                    .await
                    .map_err(|error| {
                        tracing::error!(error = %error, "the Redis rate limit check failed");
                        ApiError::new(ErrorKind::Internal, "the rate limit store failed; retry later")
                    })?;
                Ok(if wait == 0 { Decision::Allow } else { Decision::Reject(Duration::from_millis(wait)) })
            }
        }
    }

    /// Checks `key` and turns a rejection into a `RATE_LIMITED` error with `Retry-After`.
    ///
    /// # Errors
    ///
    /// `RATE_LIMITED`, or `INTERNAL` when Redis fails.
    pub async fn enforce(&self, key: &str, rate: Rate) -> Result<(), ApiError> {
        match self.check(key, rate).await? {
            Decision::Allow => Ok(()),
            Decision::Reject(wait) => Err(ApiError::rate_limited(wait.as_secs_f64().ceil().max(1.0) as u64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn per_minute(count: u32) -> Rate {
        Rate { count, period: Duration::from_secs(60) }
    }

    #[test]
    fn gcra_admits_burst_then_spaces() {
        let rate = per_minute(3);
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(gcra(tat, 1_000_000, rate).expect("burst admitted"));
        }
        assert_eq!(gcra(tat, 1_000_000, rate), Err(20_000));
        assert!(gcra(tat, 1_020_000, rate).is_ok());
    }

    #[tokio::test]
    async fn memory_limiter_rejects_over_rate() {
        let limiter = Limiter::memory();
        let rate = per_minute(2);
        assert_eq!(limiter.check("k", rate).await.unwrap(), Decision::Allow);
        assert_eq!(limiter.check("k", rate).await.unwrap(), Decision::Allow);
        assert!(matches!(limiter.check("k", rate).await.unwrap(), Decision::Reject(_)));
        assert_eq!(limiter.check("other", rate).await.unwrap(), Decision::Allow);
    }
}
