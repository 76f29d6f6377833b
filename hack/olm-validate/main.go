// Command olm-validate validates an OLM bundle directory with the operator framework's own
// validators (the same library operator-sdk's "bundle validate" uses): the default bundle
// validators, the OperatorHub validators and the good-practices validator.
//
// Usage: olm-validate BUNDLE_DIR
//
// Every result is printed, one line each. The exit code is 0 when there is no error and no
// warning, 1 when any validator reports an error or a warning (a bundle that OperatorHub would
// flag is not good enough to ship), and 2 when the directory cannot be read as a bundle.
package main

import (
	"fmt"
	"os"

	apimanifests "github.com/operator-framework/api/pkg/manifests"
	apivalidation "github.com/operator-framework/api/pkg/validation"
	apierrors "github.com/operator-framework/api/pkg/validation/errors"
	"github.com/operator-framework/api/pkg/validation/interfaces"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: olm-validate BUNDLE_DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
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

	errorCount, warnCount := 0, 0
	for _, result := range results {
		for _, e := range result.Errors {
			errorCount++
			report("ERROR", result, e)
		}
		for _, w := range result.Warnings {
			warnCount++
			report("WARN", result, w)
		}
	}
	fmt.Printf("bundle %s (%s): %d error(s), %d warning(s) from %d validators\n",
		dir, bundle.CSV.GetName(), errorCount, warnCount, len(validators))
	if errorCount > 0 || warnCount > 0 {
		os.Exit(1)
	}
}

func report(level string, result apierrors.ManifestResult, e apierrors.Error) {
	fmt.Printf("%s [%s] %s\n", level, result.Name, e.Error())
}
