package app

import (
	"context"

	"github.com/hzcbec/portal/models"
)

// DemoPassword is the password of every demo account; demo data is for trying the portal, never production.
const DemoPassword = "demo-password-2026"

// DemoAccount is one seeded account; Extra: one the demo story adds (SeedDemo), not Seed.
type DemoAccount struct {
	Role, Email string
	Extra       bool
}

// DemoAccounts are the accounts of the demo: one per role (Seed) and those the story adds.
func DemoAccounts() []DemoAccount {
	return []DemoAccount{
		{models.RoleConsumer, demoConsumer, false}, {models.RoleConsumer, demoConsumer2, true}, {models.RoleConsumer, demoConsumer3, true},
		{models.RoleMerchant, demoMerchant, false}, {models.RoleMerchant, demoMerchant2, true}, {models.RolePlatform, "platform@demo.portal", false},
		{models.RoleInspector, demoInspector, false}, {models.RoleArbitrator, demoArbitrator, false}, {models.RoleAdmin, demoAdmin, false},
	}
}

// Seed loads the demo data: two parties and one account per role. Running it again changes nothing.
func Seed(ctx context.Context, store *models.Store) ([]DemoAccount, error) {
	xihu := "330106"
	parties := []models.Party{
		{ID: "demo-merchant", Kind: "merchant", Name: "杭州示例跨境贸易有限公司", NameEn: "Hangzhou Demo Cross-border Trading Co., Ltd.",
			Country: "CN", RegistrationCode: "91330106MA2DEMO01X", Jurisdiction: &xihu, Address: "杭州市西湖区文三路 1 号"},
		{ID: "demo-platform", Kind: "platform", Name: "示例跨境电商平台", NameEn: "Demo Cross-border Marketplace",
			Country: "CN", RegistrationCode: "91330108MA2DEMO02Y", Address: "杭州市滨江区网商路 1 号"},
	}
	for _, p := range parties {
		if _, err := store.EnsureParty(ctx, models.SystemActor, p); err != nil {
			return nil, err
		}
	}
	merchant, platform := "demo-merchant", "demo-platform"
	users := []models.NewUser{
		{Email: "consumer@demo.portal", Name: "王小明", Roles: []string{models.RoleConsumer}},
		{Email: "merchant@demo.portal", Name: "李商家", Roles: []string{models.RoleMerchant}, PartyID: &merchant},
		{Email: "platform@demo.portal", Name: "赵平台", Roles: []string{models.RolePlatform}, PartyID: &platform},
		{Email: "inspector@demo.portal", Name: "陈检查", Roles: []string{models.RoleInspector}, Jurisdiction: &xihu},
		{Email: "arbitrator@demo.portal", Name: "周仲裁", Roles: []string{models.RoleArbitrator}},
		{Email: "admin@demo.portal", Name: "综试办管理员", Roles: []string{models.RoleAdmin}},
	}
	var out []DemoAccount
	for _, u := range users {
		u.Password = DemoPassword
		_, err := store.CreateUser(ctx, models.SystemActor, u)
		if err != nil && models.ErrorCode(err) != models.ECONFLICT {
			return nil, err
		}
		out = append(out, DemoAccount{Role: u.Roles[0], Email: u.Email})
	}
	return out, nil
}
