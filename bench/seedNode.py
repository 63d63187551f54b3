"""The seed's node, reduced to what bench:cache compares against: the tutorial's Flask app answering GET /chain
with its chain as JSON ({"chain": [...blocks...], "length": n}). Blocks are made once at start: each has the
tutorial's fields (index, timestamp, transactions, proof, previous_hash), with a reward transaction, and is linked by
the SHA-256 of its sorted JSON, as the tutorial hashes. Runs Flask's own server (threaded), as the tutorial does.

    python3 bench/seedNode.py --port 5000 --blocks 5
"""

import argparse
import hashlib
import json
import time

from flask import Flask, jsonify


def block_hash(block):
    return hashlib.sha256(json.dumps(block, sort_keys=True).encode()).hexdigest()


def make_chain(count):
    chain = [{"index": 1, "timestamp": time.time(), "transactions": [], "proof": 100, "previous_hash": "1"}]
    while len(chain) < count:
        parent = chain[-1]
        chain.append(
            {
                "index": parent["index"] + 1,
                "timestamp": time.time(),
                "transactions": [{"sender": "0", "recipient": "seed-node", "amount": 1}],
                "proof": parent["proof"] * 7 % 100_003,
                "previous_hash": block_hash(parent),
            }
        )
    return chain


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--blocks", type=int, default=5)
    options = parser.parse_args()
    chain = make_chain(options.blocks)
    app = Flask(__name__)

    @app.route("/chain", methods=["GET"])
    def full_chain():
        return jsonify({"chain": chain, "length": len(chain)}), 200

    print(f"seed node: http://127.0.0.1:{options.port}/chain", flush=True)
    app.run(host="127.0.0.1", port=options.port)


if __name__ == "__main__":
    main()
