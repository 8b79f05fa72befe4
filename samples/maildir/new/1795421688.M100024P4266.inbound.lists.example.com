Return-Path: <>
Delivered-To: bounces@tx.example.com
Received: from mail.example.org (mail.example.org [198.51.100.5])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dQ9d12TnFz3Rb8
	for <bounces@tx.example.com>; Tue, 17 Nov 2026 10:15:19 +0000 (UTC)
Received: from imap2.example.org
	by imap2.example.org with LMTP
	id 7AkqJXbGGmoHBAAA3w4Z2g
	(envelope-from <>)
	for <bounces@tx.example.com>; Tue, 17 Nov 2026 11:15:18 +0100
Date: Tue, 17 Nov 2026 11:15:18 +0100
From: Hannah Keller <h.keller@example.org>
To: <bounces@tx.example.com>
Subject: Auto: Your order 100-49187 has shipped
Message-ID: <dovecot-sieve-1794910518-391044-0@imap2.example.org>
In-Reply-To: <order.100-49187.shipped.1794909600@example.com>
References: <order.100-49187.shipped.1794909600@example.com>
Auto-Submitted: auto-replied (vacation)
Precedence: bulk
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

I am on vacation until 30 November and will read my mail after that.
For urgent matters please contact office@example.org.

Hannah Keller
