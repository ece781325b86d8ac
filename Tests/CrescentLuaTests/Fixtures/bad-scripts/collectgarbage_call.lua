-- expect: forbidden
collectgarbage("stop")
