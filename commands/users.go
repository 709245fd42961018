package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models"
)

// roleFlags collects repeated --role flags.
type roleFlags []string

func (r *roleFlags) String() string     { return strings.Join(*r, ",") }
func (r *roleFlags) Set(v string) error { *r = append(*r, strings.Split(v, ",")...); return nil }

// usersCreate is `portal users create`: one account, its id printed; the bad flags named on stderr.
func usersCreate(ctx context.Context, cfg app.Config, args []string) error {
	fs := flag.NewFlagSet("users create", flag.ContinueOnError)
	var in models.NewUser
	var roles roleFlags
	var jurisdiction, party string
	fs.StringVar(&in.Email, "email", "", "e-mail (sign-in name)")
	fs.StringVar(&in.Password, "password", "", "password, at least 10 characters")
	fs.StringVar(&in.Name, "name", "", "display name")
	fs.Var(&roles, "role", "role: consumer, merchant, platform, inspector, arbitrator or admin (repeatable)")
	fs.StringVar(&jurisdiction, "jurisdiction", "", "jurisdiction code (inspectors), e.g. 330106")
	fs.StringVar(&party, "party", "", "party id (merchant and platform users)")
	fs.StringVar(&in.Locale, "locale", "", "zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	in.Roles = roles
	if jurisdiction != "" {
		in.Jurisdiction = &jurisdiction
	}
	if party != "" {
		in.PartyID = &party
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, models.SystemActor, in)
	if err != nil {
		var de *models.Error
		if errors.As(err, &de) && len(de.Fields) > 0 {
			for _, f := range de.Fields {
				fmt.Fprintf(os.Stderr, "  --%s: %s %s\n", strings.ReplaceAll(f.Field, "_id", ""), f.Rule, f.Param)
			}
		}
		return err
	}
	fmt.Println(u.ID)
	return nil
}
