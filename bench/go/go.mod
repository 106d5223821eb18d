module gsched/bench

go 1.19
