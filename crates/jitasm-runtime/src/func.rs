//! Typed function pointers into generated code.

use std::marker::PhantomData;
use std::ops::Deref;

/// Function-pointer types that generated code can be called through.
///
/// # Safety
/// Implemented only for `extern "C"` (and, on x86-64, `extern "sysv64"` and
/// `extern "win64"`) function pointers, which have the size of a code address.
pub unsafe trait FnPtr: Copy + Send + Sync + 'static {}

macro_rules! fn_ptr {
    ($($arg:ident),*) => {
        // SAFETY: a function pointer is a code address.
        unsafe impl<R: 'static, $($arg: 'static),*> FnPtr for extern "C" fn($($arg),*) -> R {}
        // SAFETY: as above.
        unsafe impl<R: 'static, $($arg: 'static),*> FnPtr for unsafe extern "C" fn($($arg),*) -> R {}
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        unsafe impl<R: 'static, $($arg: 'static),*> FnPtr for extern "sysv64" fn($($arg),*) -> R {}
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        unsafe impl<R: 'static, $($arg: 'static),*> FnPtr for unsafe extern "sysv64" fn($($arg),*) -> R {}
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        unsafe impl<R: 'static, $($arg: 'static),*> FnPtr for extern "win64" fn($($arg),*) -> R {}
    };
}

fn_ptr!();
fn_ptr!(A);
fn_ptr!(A, B);
fn_ptr!(A, B, C);
fn_ptr!(A, B, C, D);
fn_ptr!(A, B, C, D, E);
fn_ptr!(A, B, C, D, E, F);
fn_ptr!(A, B, C, D, E, F, G);
fn_ptr!(A, B, C, D, E, F, G, H);
fn_ptr!(A, B, C, D, E, F, G, H, I);
fn_ptr!(A, B, C, D, E, F, G, H, I, J);

/// A function pointer into generated code that borrows the code's owner, so
/// it cannot outlive the executable memory it points into. It dereferences to
/// the function pointer and can be called directly: `f(1, 2)`.
#[derive(Clone, Copy, Debug)]
pub struct JitFn<'a, F: FnPtr> {
    f: F,
    _code: PhantomData<&'a [u8]>,
}

impl<'a, F: FnPtr> JitFn<'a, F> {
    /// Wraps the code address `addr` as an `F`.
    ///
    /// # Safety
    /// `addr` must be the entry of a function that follows `F`'s calling
    /// convention and signature, and stays executable for `'a`.
    pub(crate) unsafe fn from_addr(addr: *const u8) -> Self {
        const {
            assert!(std::mem::size_of::<F>() == std::mem::size_of::<*const u8>());
        }
        JitFn {
            // SAFETY: F is a function pointer type (FnPtr's contract) of the
            // same size as a code address; the caller vouches for the code.
            f: unsafe { std::mem::transmute_copy::<*const u8, F>(&addr) },
            _code: PhantomData,
        }
    }

    /// The raw function pointer. It is no longer tied to the code's lifetime:
    /// calling it after the code is freed is undefined behaviour.
    pub fn into_raw(self) -> F {
        self.f
    }
}

impl<F: FnPtr> Deref for JitFn<'_, F> {
    type Target = F;
    fn deref(&self) -> &F {
        &self.f
    }
}
