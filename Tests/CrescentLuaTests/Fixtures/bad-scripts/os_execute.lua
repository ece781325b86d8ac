-- expect: forbidden
return os.execute("rm -rf /")
