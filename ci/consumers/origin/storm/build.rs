// origin's own _start is the program's entry: no C start files.
fn main() {
    println!("cargo:rustc-link-arg=-nostartfiles");
}
