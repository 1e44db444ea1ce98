"""Use cases: each public function takes plain data, checks the rules and commits once."""
