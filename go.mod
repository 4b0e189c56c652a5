module github.com/codearts-runner/codearts-runner

go 1.26.0

require (
	github.com/caarlos0/env/v11 v11.4.2
	github.com/hashicorp/go-retryablehttp v0.7.8
	github.com/huaweicloud/huaweicloud-sdk-go-v3 v0.1.207
	github.com/jstemmer/go-junit-report/v2 v2.1.0
	github.com/sethvargo/go-githubactions v1.4.0
	go.yaml.in/yaml/v3 v3.0.6
	golang.org/x/sync v0.20.0
)

require (
	github.com/fatih/color v1.16.0 // indirect
	github.com/goccy/go-yaml v1.9.8 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/json-iterator/go v1.1.13-0.20220915233716-71ac16282d12 // indirect
	github.com/mattn/go-colorable v0.1.13 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v1.0.2 // indirect
	github.com/tjfoc/gmsm v1.4.1 // indirect
	go.mongodb.org/mongo-driver v1.13.1 // indirect
	golang.org/x/sys v0.20.0 // indirect
	golang.org/x/xerrors v0.0.0-20200804184101-5ec99f83aff1 // indirect
	gopkg.in/ini.v1 v1.67.0 // indirect
)
