"""Jupyter kernel conformance suite (jupyter_kernel_test) run against the gotaegis kernel.

scripts/test-jupyter runs it with JUPYTER_PATH pointing at a kernelspec named "gotaegis".
Every sample attribute of jupyter_kernel_test.KernelTests is set, so no test is skipped.
"""

import unittest

import jupyter_kernel_test


class GotaegisKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "gotaegis"

    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'import "fmt"\nfmt.Println("hello, world")'

    code_stderr = 'import (\n\t"fmt"\n\t"os"\n)\nfmt.Fprintln(os.Stderr, "oops")'

    completion_samples = [
        {"text": 'import "fmt"\nfmt.Printl', "matches": {"fmt.Println"}},
        {"text": "fmt.Printl", "matches": {"fmt.Println"}},
    ]

    complete_code_samples = [
        "1",
        'fmt.Println("x")',
        "func f() int { return 1 }",
        "%%taegis alerts search\nFROM alert EARLIEST=-1d",
    ]
    incomplete_code_samples = [
        "func f() {",
        "x := []int{1,",
        "%%taegis alerts search",
    ]
    invalid_code_samples = ["func ( {", "x := )"]

    code_page_something = "fmt.Println?"

    # A compile error: yaegi reports it without printing anything else.
    code_generate_error = "undefinedThing + 1"

    # The display package is there without an import.
    code_execute_result = [
        {"code": "1+2+3", "result": "6"},
        {"code": 'display.HTML("<b>x</b>")', "mime": "text/html", "result": "<b>x</b>"},
    ]

    code_display_data = [
        {"code": 'display.Show(display.HTML("<i>shown</i>"))', "mime": "text/html"},
    ]

    # Matches "1+2+3" and no other input the suite runs (GLOB on the whole input).
    code_history_pattern = "1?2*"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "fmt.Println"

    code_clear_output = "display.Clear(false)"


if __name__ == "__main__":
    unittest.main()
