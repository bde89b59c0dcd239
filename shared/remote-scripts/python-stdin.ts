/**
 * How the wizard starts a Python script it sends on stdin: `python3 -I -S -`. The scripts use the
 * standard library only, so the interpreter skips the host's site module (`-S`: no site-packages, no
 * `.pth` files, whose imports cost more than the interpreter itself on some hosts, e.g. a CA bundle
 * loaded at every start) and runs isolated (`-I`: PYTHON* variables and the user's site ignored), so
 * what runs as root is only the script. Python ≥ 3.4 has both flags; the scripts need 3.6.
 */
export function pythonStdinArgv(python = 'python3'): string[] {
  return [python, '-I', '-S', '-'];
}
