//! The two synchronisation primitives the core needs: a lock and a cell
//! set once. With the standard library (the default `std` feature) they
//! are `std::sync`'s; without it (the verify-only wasm, which has one
//! thread, so nothing ever waits) they are `spin`'s.

use core::fmt;

/// A value behind a lock.
pub struct Lock<T> {
    #[cfg(feature = "std")]
    inner: std::sync::Mutex<T>,
    #[cfg(not(feature = "std"))]
    inner: spin::Mutex<T>,
}

impl<T> Lock<T> {
    /// A lock holding `value`.
    pub const fn new(value: T) -> Lock<T> {
        Lock {
            #[cfg(feature = "std")]
            inner: std::sync::Mutex::new(value),
            #[cfg(not(feature = "std"))]
            inner: spin::Mutex::new(value),
        }
    }

    /// Runs `f` on the value, locked; `None` when a panic while it was
    /// held poisoned the lock (with `std`).
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        #[cfg(feature = "std")]
        return self.inner.lock().ok().map(|mut guard| f(&mut guard));
        #[cfg(not(feature = "std"))]
        return Some(f(&mut self.inner.lock()));
    }

    /// Runs `f` on the value if the lock is free; `None` when it is held
    /// (or, with `std`, poisoned). Never waits.
    pub fn try_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        #[cfg(feature = "std")]
        return self.inner.try_lock().ok().map(|mut guard| f(&mut guard));
        #[cfg(not(feature = "std"))]
        return self.inner.try_lock().map(|mut guard| f(&mut guard));
    }
}

impl<T> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lock")
    }
}

/// A cell written at most once, then read without locking.
pub struct Once<T> {
    #[cfg(feature = "std")]
    inner: std::sync::OnceLock<T>,
    #[cfg(not(feature = "std"))]
    inner: spin::Once<T>,
}

impl<T> Once<T> {
    /// An empty cell.
    pub const fn new() -> Once<T> {
        Once {
            #[cfg(feature = "std")]
            inner: std::sync::OnceLock::new(),
            #[cfg(not(feature = "std"))]
            inner: spin::Once::new(),
        }
    }

    /// The value, once set.
    pub fn get(&self) -> Option<&T> {
        self.inner.get()
    }

    /// The value, set by `init` first if the cell is empty.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> &T {
        #[cfg(feature = "std")]
        return self.inner.get_or_init(init);
        #[cfg(not(feature = "std"))]
        return self.inner.call_once(init);
    }

    /// Sets the value unless it is set already (then `value` is dropped).
    pub fn set(&self, value: T) {
        self.get_or_init(|| value);
    }
}

impl<T> Default for Once<T> {
    fn default() -> Once<T> {
        Once::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for Once<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Once").field(&self.get()).finish()
    }
}
