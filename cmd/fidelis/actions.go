package main

import (
	"context"
	"fmt"
	"strings"

	"fidelis/report"
)

func init() {
	register("actions", "the prioritised action list, ranked by money at stake, with every assumption", runActions)
}

func runActions(ctx context.Context, e *env, args []string) error {
	var f analysisFlags
	fs := newFlags(e, "actions", "actions [--db PATH] [--grain month] [--by ATTR] [--json]")
	f.register(fs)
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := runAnalysis(ctx, e, &f)
	if err != nil {
		return err
	}
	if f.json {
		return report.JSON(e.stdout, a.Actions)
	}
	if len(a.Actions) == 0 {
		fmt.Fprintln(e.stdout, "No action has enough evidence behind it yet (the models need repeat purchases; surveys, programme and referral data add more).")
		return nil
	}
	for i, x := range a.Actions {
		fmt.Fprintf(e.stdout, "%d. %s\n   expected gain %.2f (value exposed %.2f, %d customers)\n   %s\n   for: %s\n", i+1, x.Title, x.Gain, x.Exposed, x.Customers, x.Why, x.Who)
		if x.Command != "" {
			fmt.Fprintf(e.stdout, "   list: %s\n", x.Command)
		}
		fmt.Fprintf(e.stdout, "   assumptions: %s\n\n", strings.Join(x.Assumptions, "; "))
	}
	return nil
}
