//! Why a task list or a start was refused.

// Only named in doc links.
#[cfg(doc)]
use super::Scheduler;

/// Every problem of a task list, one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// Why [`Scheduler::start`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartError {
    /// The timer loops run already.
    AlreadyStarted,
    /// A `stop` is still waiting for running tasks.
    Stopping,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AlreadyStarted => {
                "PIKKU_ERR_SCHEDULER: the scheduler is already started; call stop() before starting it again"
            }
            Self::Stopping => {
                "PIKKU_ERR_SCHEDULER: the scheduler is still stopping (waiting for running tasks); await stop() before starting it again"
            }
        })
    }
}

impl std::error::Error for StartError {}
