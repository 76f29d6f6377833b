// Command olm-validate validates an OLM bundle directory with the operator framework's own
// validators (the same library operator-sdk's "bundle validate" uses): the default bundle
// validators, the OperatorHub validators and the good-practices validator.
//
// Usage: olm-validate [-allow-warning TEXT]... BUNDLE_DIR
//
// Every result is printed, one line each. The exit code is 0 when there is no error and no
// warning, 1 when any validator reports an error or a warning (a bundle that OperatorHub would
// flag is not good enough to ship), and 2 when the directory cannot be read as a bundle. A warning
// whose text contains an -allow-warning TEXT is printed as "ACCEPTED" and does not fail; each
// -allow-warning must match a warning, so a stale one fails too.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	apimanifests "github.com/operator-framework/api/pkg/manifests"
	apivalidation "github.com/operator-framework/api/pkg/validation"
	apierrors "github.com/operator-framework/api/pkg/validation/errors"
	interfaces "github.com/operator-framework/api/pkg/validation/interfaces"
)

type allowList []string

func (a *allowList) String() string     { return strings.Join(*a, ", ") }
func (a *allowList) Set(v string) error { *a = append(*a, v); return nil }

func main() {
	var allowed allowList
	flag.Var(&allowed, "allow-warning", "accept a warning containing this text (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate [-allow-warning TEXT]... BUNDLE_DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	bundle, err := apimanifests.GetBundleFromDir(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: cannot load the bundle in %s: %v\n", dir, err)
		os.Exit(2)
	}
	if bundle.CSV == nil {
		fmt.Fprintf(os.Stderr, "error: the bundle in %s has no ClusterServiceVersion\n", dir)
		os.Exit(2)
	}

	validators := interfaces.Validators{}
	validators = append(validators, apivalidation.DefaultBundleValidators...)
	validators = append(validators,
		apivalidation.OperatorHubV2Validator,
		apivalidation.StandardCapabilitiesValidator,
		apivalidation.StandardCategoriesValidator,
		apivalidation.GoodPracticesValidator,
		apivalidation.ObjectValidator,
		apivalidation.AlphaDeprecatedAPIsValidator,
	)
	objects := bundle.ObjectsToValidate()
	results := validators.Validate(objects...)

	errorCount, warnCount, acceptedCount := 0, 0, 0
	used := map[string]bool{}
	for _, result := range results {
		for _, e := range result.Errors {
			errorCount++
			report("ERROR", result, e)
		}
		for _, w := range result.Warnings {
			if a := match(allowed, w.Error()); a != "" {
				used[a] = true
				acceptedCount++
				report("ACCEPTED", result, w)
				continue
			}
			warnCount++
			report("WARN", result, w)
		}
	}
	for _, a := range allowed {
		if !used[a] {
			errorCount++
			fmt.Printf("ERROR -allow-warning %q matches no warning: remove it\n", a)
		}
	}
	fmt.Printf("bundle %s (%s): %d error(s), %d warning(s), %d accepted warning(s) from %d validators\n",
		dir, bundle.CSV.GetName(), errorCount, warnCount, acceptedCount, len(validators))
	if errorCount > 0 || warnCount > 0 {
		os.Exit(1)
	}
}

func match(allowed []string, text string) string {
	for _, a := range allowed {
		if strings.Contains(text, a) {
			return a
		}
	}
	return ""
}

func report(level string, result apierrors.ManifestResult, e apierrors.Error) {
	fmt.Printf("%s [%s] %s\n", level, result.Name, e.Error())
}
