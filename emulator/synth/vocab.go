package synth

import (
	"fmt"
	"strings"
)

// program is one kind of benign process a host runs, with the process that usually starts it.
type program struct {
	image  string
	parent string
	weight int
	cmd    func(r *rng, h *host, user string) string
}

func quoted(image string) string {
	if strings.Contains(image, " ") {
		return `"` + image + `"`
	}
	return image
}

var windowsPrograms = []program{
	{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `C:\Windows\explorer.exe`, 14,
		func(r *rng, _ *host, _ string) string {
			return fmt.Sprintf(`%s --type=renderer --lang=en-US --renderer-client-id=%d`,
				quoted(`C:\Program Files\Google\Chrome\Application\chrome.exe`), r.between(5, 400))
		}},
	{`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, `C:\Windows\explorer.exe`, 8,
		func(_ *rng, _ *host, _ string) string {
			return quoted(`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`) +
				` --profile-directory=Default`
		}},
	{`C:\Windows\System32\svchost.exe`, `C:\Windows\System32\services.exe`, 14,
		func(r *rng, _ *host, _ string) string {
			svc := pick(r, []string{"Schedule", "BITS", "gpsvc", "Winmgmt", "wuauserv", "Dnscache"})
			return `C:\Windows\System32\svchost.exe -k netsvcs -p -s ` + svc
		}},
	{`C:\Windows\System32\conhost.exe`, `C:\Windows\System32\cmd.exe`, 4,
		func(_ *rng, _ *host, _ string) string {
			return `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`
		}},
	{`C:\Windows\System32\cmd.exe`, `C:\Windows\explorer.exe`, 4,
		func(r *rng, _ *host, _ string) string {
			return `C:\Windows\system32\cmd.exe /c ` + pick(r, []string{
				"ipconfig /all", "whoami", "dir C:\\Users\\Public", "gpupdate /force",
				"ping -n 2 intranet.corp.example",
			})
		}},
	{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
		`C:\Windows\System32\svchost.exe`, 3,
		func(r *rng, _ *host, _ string) string {
			return `powershell.exe -NoProfile -ExecutionPolicy Bypass -File ` + pick(r, []string{
				`C:\ProgramData\IT\inventory.ps1`, `C:\ProgramData\IT\cleanup-temp.ps1`,
			})
		}},
	{`C:\Users\%USER%\AppData\Local\Microsoft\OneDrive\OneDrive.exe`, `C:\Windows\explorer.exe`, 3,
		func(_ *rng, _ *host, user string) string {
			return fmt.Sprintf(`"C:\Users\%s\AppData\Local\Microsoft\OneDrive\OneDrive.exe" /background`,
				bareUser(user))
		}},
	{`C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE`, `C:\Windows\explorer.exe`, 3,
		func(r *rng, _ *host, user string) string {
			return fmt.Sprintf(`"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" `+
				`"C:\Users\%s\Documents\%s"`, bareUser(user),
				pick(r, []string{"budget-2026.xlsx", "headcount.xlsx", "q3-forecast.xlsx"}))
		}},
	{`C:\Windows\System32\curl.exe`, `C:\Windows\System32\cmd.exe`, 2,
		func(r *rng, _ *host, _ string) string {
			return `curl.exe -sS -o NUL https://` + pick(r, []string{"api.github.com", "www.google.com"})
		}},
	{`C:\Program Files\Git\cmd\git.exe`, `C:\Windows\explorer.exe`, 2,
		func(r *rng, _ *host, _ string) string {
			return "git.exe " + pick(r, []string{"fetch origin", "status", "pull --ff-only"})
		}},
	{`C:\Windows\System32\SearchIndexer.exe`, `C:\Windows\System32\services.exe`, 2,
		func(_ *rng, _ *host, _ string) string {
			return `C:\Windows\system32\SearchIndexer.exe /Embedding`
		}},
	// The long tail that stack counting turns up: rare but benign tools.
	{`C:\Program Files\7-Zip\7z.exe`, `C:\Windows\explorer.exe`, 1,
		func(r *rng, _ *host, user string) string {
			return fmt.Sprintf(`"C:\Program Files\7-Zip\7z.exe" x "C:\Users\%s\Downloads\`+
				`logs-%d.zip" -o"C:\Users\%s\Downloads\logs"`, bareUser(user), r.between(1, 30),
				bareUser(user))
		}},
	{`C:\Program Files\PuTTY\putty.exe`, `C:\Windows\explorer.exe`, 1,
		func(r *rng, _ *host, _ string) string {
			return fmt.Sprintf(`"C:\Program Files\PuTTY\putty.exe" -ssh admin@10.%d.0.%d`,
				r.between(0, 9), r.between(2, 250))
		}},
	{`C:\Program Files\Notepad++\notepad++.exe`, `C:\Windows\explorer.exe`, 1,
		func(_ *rng, _ *host, user string) string {
			return fmt.Sprintf(`"C:\Program Files\Notepad++\notepad++.exe" `+
				`"C:\Users\%s\Documents\notes.txt"`, bareUser(user))
		}},
	{`C:\Windows\System32\taskhostw.exe`, `C:\Windows\System32\svchost.exe`, 3,
		func(_ *rng, _ *host, _ string) string {
			return `taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}`
		}},
}

var linuxPrograms = []program{
	{"/usr/bin/curl", "/bin/bash", 6,
		func(r *rng, _ *host, _ string) string {
			return "curl -sS -o /dev/null -w %{http_code} https://" +
				pick(r, []string{"api.github.com", "pypi.org", "registry.npmjs.org"})
		}},
	{"/usr/sbin/sshd", "/usr/sbin/sshd", 6,
		func(_ *rng, _ *host, user string) string { return "sshd: " + user + " [priv]" }},
	{"/bin/bash", "/usr/sbin/sshd", 6,
		func(_ *rng, _ *host, _ string) string { return "-bash" }},
	{"/usr/bin/python3", "/bin/bash", 6,
		func(r *rng, _ *host, _ string) string {
			return "python3 /opt/app/worker.py --queue " + pick(r, []string{"default", "reports", "email"})
		}},
	{"/usr/sbin/cron", "/usr/sbin/cron", 6,
		func(_ *rng, _ *host, _ string) string { return "/usr/sbin/CRON -f" }},
	{"/usr/bin/apt-get", "/usr/bin/python3", 2,
		func(_ *rng, _ *host, _ string) string { return "/usr/bin/apt-get -qq update" }},
	{"/usr/sbin/nginx", "/usr/lib/systemd/systemd", 5,
		func(_ *rng, _ *host, _ string) string { return "nginx: worker process" }},
	{"/usr/bin/git", "/bin/bash", 2,
		func(_ *rng, _ *host, _ string) string { return "git pull --ff-only" }},
	{"/usr/bin/ssh", "/bin/bash", 3,
		func(r *rng, _ *host, _ string) string {
			return fmt.Sprintf("ssh -o BatchMode=yes deploy@10.%d.%d.%d", r.between(0, 9),
				r.between(0, 255), r.between(2, 250))
		}},
	{"/usr/bin/rsync", "/bin/bash", 1,
		func(_ *rng, _ *host, _ string) string {
			return "rsync -az /var/backups/ backup@10.0.0.20:/srv/backups/"
		}},
	{"/usr/sbin/tcpdump", "/bin/bash", 1,
		func(r *rng, _ *host, _ string) string {
			return fmt.Sprintf("tcpdump -i eth0 -c %d port 443", r.between(100, 1000))
		}},
	{"/usr/bin/systemctl", "/bin/bash", 2,
		func(r *rng, _ *host, _ string) string {
			return "systemctl status " + pick(r, []string{"nginx", "postgresql", "docker"})
		}},
}

var macPrograms = []program{
	{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", "/sbin/launchd", 10,
		func(_ *rng, _ *host, _ string) string {
			return `"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"`
		}},
	{"/Applications/Slack.app/Contents/MacOS/Slack", "/sbin/launchd", 5,
		func(_ *rng, _ *host, _ string) string { return "/Applications/Slack.app/Contents/MacOS/Slack" }},
	{"/usr/bin/curl", "/bin/zsh", 3,
		func(r *rng, _ *host, _ string) string {
			return "curl -fsSL https://" + pick(r, []string{"api.github.com", "www.apple.com"})
		}},
	{"/bin/zsh", "/usr/bin/login", 4,
		func(_ *rng, _ *host, _ string) string { return "-zsh" }},
	{"/System/Library/Frameworks/CoreServices.framework/Frameworks/Metadata.framework/" +
		"Versions/A/Support/mdworker_shared", "/sbin/launchd", 4,
		func(_ *rng, _ *host, _ string) string {
			return "mdworker_shared -s mdworker -c MDSImporterWorker"
		}},
	{"/usr/bin/ssh", "/bin/zsh", 2,
		func(_ *rng, _ *host, _ string) string { return "ssh -T git@github.com" }},
}

// domain is a benign name with the addresses it resolves to.
type domain struct {
	name  string
	addrs []string
}

var benignDomains = []domain{
	{"www.google.com", []string{"142.250.72.36", "142.250.72.68"}},
	{"login.microsoftonline.com", []string{"20.190.151.7", "40.126.23.97"}},
	{"outlook.office365.com", []string{"52.96.165.18"}},
	{"teams.microsoft.com", []string{"52.113.194.132"}},
	{"github.com", []string{"140.82.112.3"}},
	{"api.github.com", []string{"140.82.112.6"}},
	{"www.wikipedia.org", []string{"208.80.154.224"}},
	{"slack.com", []string{"54.192.51.19"}},
	{"zoom.us", []string{"170.114.52.2"}},
	{"update.googleapis.com", []string{"142.250.69.195"}},
	{"ctldl.windowsupdate.com", []string{"93.184.221.240"}},
	{"s3.amazonaws.com", []string{"52.217.12.86", "54.231.134.40"}},
	{"cdn.jsdelivr.net", []string{"151.101.1.229"}},
	{"fonts.gstatic.com", []string{"142.250.72.99"}},
	{"www.bing.com", []string{"13.107.21.200"}},
	{"ocsp.digicert.com", []string{"93.184.220.29"}},
	{"time.windows.com", []string{"168.61.215.74"}},
	{"archive.ubuntu.com", []string{"91.189.91.82"}},
	{"pypi.org", []string{"151.101.64.223"}},
	{"registry.npmjs.org", []string{"104.16.27.35"}},
	{"www.apple.com", []string{"23.58.124.88"}},
	{"dl.google.com", []string{"142.250.69.206"}},
}

var browserAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
		"Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " +
		"Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) " +
		"Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
}

var toolAgents = []string{
	"curl/8.5.0", "python-requests/2.31.0", "Microsoft-CryptoAPI/10.0",
	"Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.71", "Debian APT-HTTP/1.3 (2.6.1)",
}

var httpPaths = []string{
	"/", "/search?q=quarterly+report", "/api/v3/repos/octo/app/releases/latest", "/simple/requests/",
	"/favicon.ico", "/owa/", "/assets/app.js", "/v1/chat/messages", "/ubuntu/dists/jammy/InRelease",
	"/static/css/main.css", "/login", "/wiki/Main_Page",
}

// cloudAction is one benign cloud API call.
type cloudAction struct {
	action   string
	service  string
	resource string // ARN pattern: %[1]s is the account id, %[2]s the user
	weight   int
}

var cloudActions = []cloudAction{
	{"ConsoleLogin", "signin.amazonaws.com", "arn:aws:iam::%[1]s:user/%[2]s", 3},
	{"AssumeRole", "sts.amazonaws.com", "arn:aws:iam::%[1]s:role/ReadOnlyAccess", 6},
	{"GetObject", "s3.amazonaws.com", "arn:aws:s3:::corp-%[1]s-reports/2026/summary.csv", 10},
	{"PutObject", "s3.amazonaws.com", "arn:aws:s3:::corp-%[1]s-backups/db/nightly.dump", 5},
	{"ListBuckets", "s3.amazonaws.com", "arn:aws:s3:::*", 4},
	{"DescribeInstances", "ec2.amazonaws.com", "arn:aws:ec2:us-east-1:%[1]s:instance/*", 8},
	{"RunInstances", "ec2.amazonaws.com", "arn:aws:ec2:us-east-1:%[1]s:instance/i-0a1b2c3d4e5f", 1},
	{"GetSecretValue", "secretsmanager.amazonaws.com",
		"arn:aws:secretsmanager:us-east-1:%[1]s:secret:prod/db-password", 2},
	{"Decrypt", "kms.amazonaws.com", "arn:aws:kms:us-east-1:%[1]s:key/0d2f-app", 4},
	{"CreateAccessKey", "iam.amazonaws.com", "arn:aws:iam::%[1]s:user/%[2]s", 1},
}

var firstNames = []string{
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
	"niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yusuf",
}

var lastNames = []string{
	"adams", "baker", "chen", "diaz", "evans", "fischer", "garcia", "hughes", "ito", "jones",
	"khan", "lopez", "moreau", "novak", "okafor", "patel", "quinn", "rossi", "silva", "tanaka",
}

var companyWords = []string{
	"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell",
	"Cyberdyne", "Soylent", "Vandelay", "Massive", "Oscorp", "Aperture", "Gringotts", "Monarch",
	"Nakatomi", "Pied Piper", "Virtucon", "Prestige", "Dunder", "Sterling", "Bluth",
}

var companyKinds = []string{
	"Manufacturing", "Health", "Logistics", "Retail", "Energy", "Finance", "Media", "Labs",
	"Foods", "Aerospace", "Insurance", "Pharma",
}

// bareUser drops a Windows domain prefix from a user name.
func bareUser(user string) string {
	if i := strings.LastIndexByte(user, '\\'); i >= 0 {
		return user[i+1:]
	}
	return user
}

// weighted picks an index with probability proportional to weight(i).
func weighted(r *rng, n int, weight func(int) int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += weight(i)
	}
	x := r.intn(total)
	for i := 0; i < n; i++ {
		x -= weight(i)
		if x < 0 {
			return i
		}
	}
	return n - 1
}
