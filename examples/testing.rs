//! How to test code that checks toggles: scoped overrides that are safe
//! under parallel `cargo test`. Its tests run with `cargo test`:
//!
//! ```text
//! cargo test --example testing
//! ```

use toggles::toggle;

/// The code under test: renders the cart according to the toggles.
pub fn render_cart() -> &'static str {
    if toggle!("new_cart") {
        if toggle!("one_click_pay") {
            "drawer with one-click pay"
        } else {
            "drawer"
        }
    } else {
        "page"
    }
}

/// Code that does its work on other threads, like a thread pool would.
pub fn render_carts_in_parallel(n: usize) -> Vec<&'static str> {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..n).map(|_| s.spawn(render_cart)).collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    })
}

fn main() {
    println!("cart: {}", render_cart());
    println!("run `cargo test --example testing` for the tests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use toggles::{toggle_as, toggle_as_global, with_toggles};

    #[test]
    fn one_toggle_on_for_this_test_only() {
        let _drawer = toggle_as("new_cart", true); // this thread, until dropped
        assert_eq!(render_cart(), "drawer");
    }

    #[test]
    fn several_toggles_for_a_closure() {
        let cart = with_toggles(&[("new_cart", true), ("one_click_pay", true)], render_cart);
        assert_eq!(cart, "drawer with one-click pay");
    }

    #[test]
    fn overrides_nest() {
        let _on = toggle_as("new_cart", true);
        {
            let _off = toggle_as("new_cart", false);
            assert_eq!(render_cart(), "page");
        }
        assert_eq!(render_cart(), "drawer");
    }

    #[test]
    fn code_on_other_threads_needs_the_process_wide_form() {
        // toggle_as would be invisible to the worker threads. The
        // process-wide form is seen by every thread; tests using it take
        // turns. A parallel test that checks `new_cart` without any override
        // could see it too: that is why every test here pins its toggles.
        let _drawer = toggle_as_global("new_cart", true);
        let _pay = toggle_as_global("one_click_pay", false);
        assert_eq!(render_carts_in_parallel(4), ["drawer"; 4]);
    }
}
