// CrescentLua
