STRINGS = {
    "auth.title": ("登录", "Sign in"),
    "auth.username": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.failed": ("用户名或密码不正确。", "Wrong user name or password."),
    "auth.too_many": (
        "登录失败次数过多，已暂时锁定。请在{wait}后再试；如非本人操作，请联系管理员。",
        "Too many failed sign-ins: locked for now. Try again in {wait}; if this was not you, tell an administrator.",
    ),
    "auth.next_try": ("下一次尝试请在{wait}后进行。", "You can try again in {wait}."),
    "auth.wait_min": ("{minutes}分{seconds}秒", "{minutes} min {seconds} s"),
    "auth.wait_s": ("{seconds}秒", "{seconds} s"),
    "auth.removed": (
        "您的账号已被管理员删除，已退出登录。如有疑问请联系管理员。",
        "Your account was removed by an administrator; you are signed out.",
    ),
    "auth.password_changed": (
        "您的密码已更改，请用新密码重新登录。",
        "Your password was changed; sign in with the new one.",
    ),
    "auth.session_ended": (
        "登录已结束（已退出登录，或长时间未操作），请重新登录。",
        "Your session ended (signed out, or idle too long); sign in again.",
    ),
    "auth.refused": (
        "“{page}”只对{allowed}开放，您当前的身份是{role}，所以这里不显示它的内容。如需使用，请联系管理员。",
        "“{page}” is open to {allowed} only; you are signed in as {role}, so it is not shown. Ask an"
        " administrator if you need it.",
    ),
    "auth.refused_home": ("回到总览", "Back to the overview"),
    "auth.oidc": ("使用单位统一身份认证登录", "Sign in with your organisation's account"),
    "auth.oidc_unknown": (
        "统一身份认证账号 {email} 尚未在本系统开通，请联系管理员。",
        "The account {email} has no access here yet; ask an administrator.",
    ),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.signed_in_as": ("当前用户：{name}（{role}）", "Signed in as {name} ({role})"),
    "auth.demo_mode": ("演示模式", "Demo mode"),
    "auth.demo_help": (
        "未配置账户：应用以演示模式运行，只显示模拟数据。可切换身份体验不同角色看到的内容。",
        "No accounts are configured: the app runs in demo mode on simulated data only. Switch roles to see what each may read.",
    ),
    "auth.demo_role": ("体验身份", "Try as"),
    "auth.demo_community": ("书记所在居民区", "The secretary's community"),
    "auth.real_data_needs_accounts": (
        "数据库中是真实数据，但尚未配置账户。请管理员先运行 `python -m analytics.access add-user 用户名 --role admin` 创建账户，再重新打开本页面。",
        "The database holds real data but no accounts are configured. An administrator must first run `python -m analytics.access add-user NAME --role admin`, then reload.",
    ),
}
